import express from "express";
import { CallbackBus, CallbackManager, type CallbackManagerForChainRun } from "callbus";
import { sse, type SseStreamSummary } from "callbus/express";
import { listen, SseClient, until } from "./helpers";

test("200 clients, streaming or waiting for their run, leave no listener, scope or stream behind when they go", async () => {
  const bus = new CallbackBus();
  const ownListener = () => {};
  bus.on("llmNewToken", ownListener);
  const baseline = bus.listenerCount();
  const summaries: SseStreamSummary[] = [];
  const events = sse({ bus, heartbeatMs: 5, onClose: (s) => summaries.push(s) });
  const app = express();
  app.get("/runs/:runId/events", events);
  const server = await listen(app);
  try {
    const manager = new CallbackManager(undefined, { bus });
    const live: CallbackManagerForChainRun[] = [0, 1, 2, 3].map((i) => manager.handleChainStart({ name: `live-${i}` }, {}));
    const pendingIds = ["later-0", "later-1"];
    const clients: SseClient[] = [];
    for (let i = 0; i < 100; i++) clients.push(new SseClient(`${server.url}/runs/${live[i % 4].runId}/events`));
    for (let i = 0; i < 100; i++) clients.push(new SseClient(`${server.url}/runs/${pendingIds[i % 2]}/events`));
    await until(() => events.activeStreams === 200, "200 streams open");
    await Promise.all(clients.slice(0, 100).map((c) => c.ready));
    for (const run of live) run.handleText("tick");
    await until(() => clients.slice(0, 100).every((c) => c.events.includes("text")), "every live client got an event");

    expect(bus.activeScopes).toBe(6);
    for (const run of live) expect(bus.run(run.runId, { descendants: true }).listenerCount()).toBe(25);
    for (const id of pendingIds) expect(bus.run(id, { descendants: true }).listenerCount()).toBe(50);

    for (const client of clients) client.destroy();
    await until(() => events.activeStreams === 0, "every stream closed");

    expect(bus.activeScopes).toBe(0);
    expect(bus.listenerCount()).toBe(baseline);
    for (const id of [...live.map((r) => r.runId), ...pendingIds]) expect(bus.run(id, { descendants: true }).listenerCount()).toBe(0);
    expect(summaries).toHaveLength(200);
    expect(summaries.every((s) => s.reason === "client-closed")).toBe(true);
    expect(await events.waitForClient(pendingIds[0], 0)).toBe(false);

    // The runs go on without anyone listening; the late one starts into nothing.
    for (const run of live) run.handleChainEnd({});
    new CallbackManager(undefined, { bus }).handleChainStart({ name: "late" }, {}, pendingIds[0]).handleChainEnd({});
    expect(bus.activeScopes).toBe(0);
    expect(bus.activeRuns).toBe(0);
  } finally {
    await server.close();
  }
});
