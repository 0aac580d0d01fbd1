import http from "node:http";
import express from "express";
import { CallbackBus, CallbackManager, MemoryRunLog } from "callbus";
import { sse, type SseStreamSummary } from "callbus/express";
import { listen, SseClient, until, type Listening } from "./helpers";

const serialized = { lc: 1, type: "not_implemented" as const, id: ["test"] };

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: ReturnType<typeof sse>): Promise<Listening> {
  const app = express();
  app.get("/runs/:runId/events", handler);
  server = await listen(app);
  return server;
}

describe.each([
  ["live from the bus", () => new CallbackBus()],
  ["from a run log", () => new CallbackBus({ log: new MemoryRunLog() })],
])("streams %s", (_, makeBus) => {
  test("a single frame larger than maxBufferedBytes is written to no client: every stream closes with overflow", async () => {
    const bus = makeBus();
    const summaries: SseStreamSummary[] = [];
    const maxBufferedBytes = 256 * 1024;
    const { url } = await serve(sse({ bus, heartbeatMs: 0, maxBufferedBytes, onClose: (s) => summaries.push(s) }));
    const chain = new CallbackManager(undefined, { bus }).handleChainStart(serialized, {});
    const paused = Array.from({ length: 20 }, () => new SseClient(`${url}/runs/${chain.runId}/events`, {}, { paused: true }));
    const reading = new SseClient(`${url}/runs/${chain.runId}/events`);
    await Promise.all([...paused, reading].map((c) => c.ready));
    await until(() => reading.events.length === (bus.log === undefined ? 0 : 1), "the reading client has the history");
    chain.handleCustomEvent("big", { blob: "x".repeat(10 * 1024 * 1024) });
    await until(() => summaries.length === 21, "all 21 streams closed");
    for (const client of paused) client.resume();
    await Promise.all([...paused, reading].map((c) => c.closed));
    expect(summaries.map((s) => s.reason)).toEqual(Array(21).fill("overflow"));
    for (const summary of summaries) expect(summary.peakBufferedBytes).toBeLessThanOrEqual(maxBufferedBytes);
    expect(reading.events).not.toContain("customEvent");
    expect(reading.body.length).toBeLessThan(maxBufferedBytes);
    chain.handleChainEnd({});
    expect(bus.activeScopes).toBe(0);
  });

  test("a client that stops reading is cut after writeTimeoutMs, also after its run ended", async () => {
    const bus = makeBus();
    const summaries: SseStreamSummary[] = [];
    const { url } = await serve(sse({ bus, heartbeatMs: 0, writeTimeoutMs: 200, maxBufferedBytes: 64 * 1024 * 1024, onClose: (s) => summaries.push(s) }));
    const chain = new CallbackManager(undefined, { bus }).handleChainStart(serialized, {});
    const stuck = new SseClient(`${url}/runs/${chain.runId}/events`, {}, { paused: true });
    await stuck.ready;
    // 16 MB: more than the socket buffers of both ends hold, so the server's writes block.
    for (let i = 0; i < 400; i++) chain.handleText(`${i} ${"y".repeat(40_000)}`);
    chain.handleChainEnd({});
    await until(() => summaries.length === 1, "the stuck stream was cut");
    expect(summaries[0].reason).toBe("write-timeout");
    // A paused socket reads nothing, not even its close: let it read to see the cut.
    stuck.resume();
    await stuck.closed;
    expect(stuck.events.at(-1)).not.toBe("chainEnd");
    expect(bus.activeScopes).toBe(0);
  });

  test("HEAD gets the headers at once, and no body, while the run is live", async () => {
    const bus = makeBus();
    const { url } = await serve(sse({ bus, heartbeatMs: 0 }));
    const chain = new CallbackManager(undefined, { bus }).handleChainStart(serialized, {});
    const res = await new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      const req = http.request(`${url}/runs/${chain.runId}/events`, { method: "HEAD", agent: false }, (r) => {
        let body = "";
        r.on("data", (c: Buffer) => (body += c.toString()));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, type: r.headers["content-type"], body }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(res).toEqual({ status: 200, type: "text/event-stream; charset=utf-8", body: "" });
    chain.handleChainEnd({});
  });
});
