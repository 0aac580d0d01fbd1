import { CallbackBus, CallbackManager } from "callbus";
import { callbus, sse, type SseRequest } from "callbus/express";
import { listen, SseClient } from "./helpers";

test("the middleware and the SSE handler need only node's (req, res, next): no Express involved", async () => {
  const bus = new CallbackBus();
  const middleware = callbus({ bus });
  const events = sse({ bus, heartbeatMs: 0 });
  const server = await listen((req, res) => {
    middleware(req, res, () => {
      const match = /^\/runs\/([^/]+)\/events$/.exec(req.url ?? "");
      if (match === null) {
        res.writeHead(404).end();
        return;
      }
      (req as SseRequest).params = { runId: decodeURIComponent(match[1]) };
      events(req, res);
    });
  });
  try {
    const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "plain" }, {});
    const client = new SseClient(`${server.url}/runs/${chain.runId}/events`, { "x-request-id": "plain-1" });
    await client.ready;
    chain.handleText("hi");
    chain.handleChainEnd({});
    await client.closed;
    expect(client.status).toBe(200);
    expect(client.headers["x-request-id"]).toBe("plain-1");
    expect(client.events).toEqual(["text", "chainEnd"]);
  } finally {
    await server.close();
  }
});
