import express from "express";
import { CallbackBus, CallbackManager, dispatchCustomEvent } from "callbus";
import { sse, type SseStreamSummary } from "callbus/express";
import { listen, SseClient, until, type Listening } from "./helpers";

let bus: CallbackBus;
let server: Listening;
let events: ReturnType<typeof sse>;
let heartbeats: ReturnType<typeof sse>;
let summaries: SseStreamSummary[];

beforeEach(async () => {
  bus = new CallbackBus();
  summaries = [];
  events = sse({ bus, heartbeatMs: 0, onClose: (s) => summaries.push(s) });
  heartbeats = sse({ bus, heartbeatMs: 20 });
  const app = express();
  app.get("/runs/:runId/events", events);
  app.get("/beating/:runId", heartbeats);
  server = await listen(app);
});

afterEach(async () => {
  await server.close();
});

test("a run subscribed before it starts streams with its descendants, in order, numbered, then ends", async () => {
  const client = new SseClient(`${server.url}/runs/run-1/events`);
  expect(await events.waitForClient("run-1")).toBe(true);
  const manager = new CallbackManager(undefined, { bus });
  const chain = manager.handleChainStart({ name: "outer" }, { q: 1 }, "run-1");
  const unrelated = manager.handleChainStart({ name: "unrelated" }, {});
  const [llm] = chain.getChild().handleLLMStart({ name: "model" }, ["prompt"]);
  llm.handleLLMNewToken("a");
  unrelated.handleText("not for this stream");
  llm.handleLLMNewToken("b");
  llm.handleLLMEnd({ generations: [[{ text: "ab" }]] });
  unrelated.handleChainEnd({});
  chain.handleChainEnd({ answer: "ab" });
  await client.closed;

  expect(client.status).toBe(200);
  expect(client.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  expect(client.ended).toBe(true);
  expect(client.events).toEqual(["chainStart", "llmStart", "llmNewToken", "llmNewToken", "llmEnd", "chainEnd"]);
  expect(client.frames.filter((f) => f.event !== undefined).map((f) => f.id)).toEqual(["1", "2", "3", "4", "5", "6"]);
  expect(client.payloads<{ token: string }>("llmNewToken").map((p) => p.token)).toEqual(["a", "b"]);
  expect(client.payloads("llmStart")[0]).toMatchObject({ runId: llm.runId, parentRunId: "run-1", prompts: ["prompt"] });
  expect(client.payloads("chainEnd")[0]).toMatchObject({ runId: "run-1", outputs: { answer: "ab" } });
  await until(() => summaries.length === 1, "the stream reported its close");
  expect(summaries[0]).toMatchObject({ runId: "run-1", reason: "run-ended", sent: 6, dropped: 0 });
  expect(bus.activeScopes).toBe(0);
  expect(events.activeStreams).toBe(0);
});

test("a live run answers 200 at once and streams from the moment of subscription", async () => {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "live" }, {});
  chain.handleText("before the client");
  const client = new SseClient(`${server.url}/runs/${chain.runId}/events`);
  await client.ready;
  expect(client.status).toBe(200);
  chain.handleText("after the client");
  chain.handleChainEnd({});
  await client.closed;
  expect(client.payloads<{ text: string }>("text").map((p) => p.text)).toEqual(["after the client"]);
  expect(client.events).toEqual(["text", "chainEnd"]);
});

test("errors, circular structures and BigInts are serialised without breaking the stream", async () => {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "odd" }, { big: 12345678901234567890n });
  const client = new SseClient(`${server.url}/runs/${chain.runId}/events`);
  await client.ready;
  const data: Record<string, unknown> = { n: 10n, list: [1, 2] };
  data.self = data;
  data.again = data.list; // shared, not circular
  dispatchCustomEvent("progress", data, { callbacks: chain });
  chain.handleChainError(new TypeError("boom"));
  await client.closed;
  expect(client.events).toEqual(["customEvent", "chainError"]);
  expect(client.payloads("customEvent")[0]).toMatchObject({ eventName: "progress", data: { n: "10", list: [1, 2], self: "[Circular]", again: [1, 2] } });
  expect(client.payloads("chainError")[0]).toMatchObject({ runId: chain.runId, error: { name: "TypeError", message: "boom" } });
});

test("a payload heard by many clients is serialised once", async () => {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "shared" }, {});
  const clients = [1, 2, 3].map(() => new SseClient(`${server.url}/runs/${chain.runId}/events`));
  await Promise.all(clients.map((c) => c.ready));
  let serialisations = 0;
  const big = { toJSON: () => (serialisations++, "x".repeat(100_000)) };
  dispatchCustomEvent("big", { big }, { callbacks: chain });
  chain.handleChainEnd({});
  await Promise.all(clients.map((c) => c.closed));
  expect(serialisations).toBe(1);
  for (const client of clients) expect(client.payloads<{ data: { big: string } }>("customEvent")[0].data.big).toHaveLength(100_000);
});

test("heartbeat comments keep an idle stream alive", async () => {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "idle" }, {});
  const client = new SseClient(`${server.url}/beating/${chain.runId}`);
  await until(() => client.frames.filter((f) => f.comments.includes("heartbeat")).length >= 2, "two heartbeats arrived");
  expect(client.events).toEqual([]);
  chain.handleChainEnd({});
  await client.closed;
  expect(client.events).toEqual(["chainEnd"]);
  expect(heartbeats.activeStreams).toBe(0);
});

test("Last-Event-ID on a live run goes on numbering from it and says what was missed", async () => {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "resumed" }, {});
  const client = new SseClient(`${server.url}/runs/${chain.runId}/events`, { "last-event-id": "41" });
  await client.ready;
  chain.handleText("next");
  chain.handleChainEnd({});
  await client.closed;
  expect(client.frames[0].comments[0]).toMatch(/resumed after event 41; events sent while disconnected are not replayed/);
  expect(client.frames.filter((f) => f.event !== undefined).map((f) => f.id)).toEqual(["42", "43"]);
});

test("waitForClient says false when nobody subscribes in time", async () => {
  expect(await events.waitForClient("nobody", 10)).toBe(false);
});
