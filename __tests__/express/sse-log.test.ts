import http from "node:http";
import express from "express";
import { CallbackBus, CallbackManager, MemoryRunLog } from "callbus";
import { sse, type SseStreamSummary } from "callbus/express";
import { serialized, startRun } from "../redis/instance";
import { listen, SseClient, until, type Listening } from "./helpers";

const RUN = ["chainStart", "llmStart", "llmNewToken", "llmNewToken", "llmEnd", "chainEnd"];

let log: MemoryRunLog;
let bus: CallbackBus;
let server: Listening;
let events: ReturnType<typeof sse>;
let summaries: SseStreamSummary[];

beforeEach(async () => {
  log = new MemoryRunLog({ retainMs: 2_000 });
  bus = new CallbackBus({ log });
  summaries = [];
  events = sse({ bus, heartbeatMs: 0, startTimeoutMs: 2_000, onClose: (s) => summaries.push(s) });
  const app = express();
  app.get("/runs/:runId/events", events);
  server = await listen(app);
});

afterEach(async () => {
  await server.close();
  await log.close();
});

/** The ids the log gave `runId`'s entries, in order (`<ms>-<seq>`). */
async function logIds(runId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of log.read(runId, { follow: false })) ids.push(entry.id);
  for (const id of ids) expect(id).toMatch(/^\d{13}-\d+$/);
  return ids;
}

test("a client that connects after the run ended gets the whole run with the log's ids, then the stream closes", async () => {
  const run = startRun(bus);
  run.token("a");
  run.token("b");
  run.finish();
  const client = new SseClient(`${server.url}/runs/${run.chain.runId}/events`);
  await client.closed;
  expect(client.status).toBe(200);
  expect(client.ended).toBe(true);
  expect(client.events).toEqual(RUN);
  expect(client.frames.filter((f) => f.event).map((f) => f.id)).toEqual(await logIds(run.chain.runId));
  expect(client.payloads<{ token: string }>("llmNewToken").map((p) => p.token)).toEqual(["a", "b"]);
  await until(() => summaries.length === 1, "the stream reported its close");
  expect(summaries[0]).toMatchObject({ reason: "run-ended", sent: 6 });
  expect(events.activeStreams).toBe(0);
});

test("a client that joins mid-run gets the history, then the live events, in order", async () => {
  const run = startRun(bus);
  run.token("a");
  const client = new SseClient(`${server.url}/runs/${run.chain.runId}/events`);
  await until(() => client.events.length === 3, "the history arrived");
  run.token("b");
  run.finish();
  await client.closed;
  expect(client.events).toEqual(RUN);
  expect(client.frames.filter((f) => f.event).map((f) => f.id)).toEqual(await logIds(run.chain.runId));
});

test("Last-Event-ID resumes after event N with exactly N+1 to the end, what was sent while away included", async () => {
  const run = startRun(bus);
  run.token("a");
  const first = new SseClient(`${server.url}/runs/${run.chain.runId}/events`);
  await until(() => first.events.length === 3, "three events arrived");
  first.destroy();
  await first.closed;
  const seen = first.frames.filter((f) => f.event).map((f) => f.id);
  expect(seen).toHaveLength(3);
  run.token("b");
  const back = new SseClient(`${server.url}/runs/${run.chain.runId}/events`, { "last-event-id": seen[2]! });
  await until(() => back.events.length === 1, "the missed token arrived");
  run.finish();
  await back.closed;
  expect(back.events).toEqual(["llmNewToken", "llmEnd", "chainEnd"]);
  const ids = await logIds(run.chain.runId);
  expect(ids.slice(0, 3)).toEqual(seen);
  expect(back.frames.filter((f) => f.event).map((f) => f.id)).toEqual(ids.slice(3));
  expect(back.payloads<{ token: string }>("llmNewToken")[0].token).toBe("b");
});

test("a child run's stream has its own subtree and ends with it", async () => {
  const run = startRun(bus);
  run.token("a");
  run.finish();
  const client = new SseClient(`${server.url}/runs/${run.llm.runId}/events`);
  await client.closed;
  expect(client.events).toEqual(["llmStart", "llmNewToken", "llmEnd"]);
});

test("a run asked for before it starts streams once it starts; one that never starts gets 404", async () => {
  const client = new SseClient(`${server.url}/runs/soon/events`);
  expect(await events.waitForClient("soon")).toBe(true);
  const run = startRun(bus, "soon");
  run.finish();
  await client.closed;
  expect(client.status).toBe(200);
  expect(client.events).toEqual(["chainStart", "llmStart", "llmEnd", "chainEnd"]);
  const never = sse({ bus, startTimeoutMs: 50 });
  const app = express();
  app.get("/r/:runId", never);
  const other = await listen(app);
  const missing = new SseClient(`${other.url}/r/nothing`);
  await missing.closed;
  expect(missing.status).toBe(404);
  expect((JSON.parse(missing.body) as { error: string }).error).toMatch(/did not start within 50 ms/);
  await other.close();
});

test("a run past retention answers 410; a trimmed range starts with a gap event", async () => {
  const run = startRun(bus);
  run.finish();
  await new Promise((resolve) => setTimeout(resolve, 2_200));
  const gone = new SseClient(`${server.url}/runs/${run.chain.runId}/events`);
  await gone.closed;
  expect(gone.status).toBe(410);
  expect((JSON.parse(gone.body) as { error: string }).error).toMatch(/no longer in the run log/);

  const small = new MemoryRunLog({ maxBytes: 20_000 });
  const smallBus = new CallbackBus({ log: small });
  const app = express();
  app.get("/r/:runId", sse({ bus: smallBus, heartbeatMs: 0 }));
  const other = await listen(app);
  const chain = new CallbackManager(undefined, { bus: smallBus }).handleChainStart(serialized, {});
  for (let i = 0; i < 200; i++) chain.handleText(`${i} ${"x".repeat(100)}`);
  chain.handleChainEnd({});
  const late = new SseClient(`${other.url}/r/${chain.runId}`, { "last-event-id": "2" });
  await late.closed;
  expect(late.events[0]).toBe("gap");
  const gap = late.payloads<{ runId: string; after: string; first: string }>("gap")[0];
  expect(gap).toMatchObject({ runId: chain.runId, after: "2" });
  expect(late.frames.filter((f) => f.event)[1].id).toBe(gap.first);
  expect(late.events.at(-1)).toBe("chainEnd");
  await other.close();
  await small.close();
});

test("bad Last-Event-ID is 400 naming it; HEAD gets the headers at once and no body", async () => {
  const run = startRun(bus);
  const bad = new SseClient(`${server.url}/runs/${run.chain.runId}/events`, { "last-event-id": "abc" });
  await bad.closed;
  expect(bad.status).toBe(400);
  expect((JSON.parse(bad.body) as { error: string }).error).toMatch(/Last-Event-ID must be the id of an event this stream sent .* got "abc"/);
  // A well-formed id older than the run's first entry: the run from its start.
  const early = new SseClient(`${server.url}/runs/${run.chain.runId}/events`, { "last-event-id": "1700000000000-0" });
  await until(() => early.events.length === 2, "the history arrived");
  expect(early.events).toEqual(["chainStart", "llmStart"]);
  early.destroy();
  await early.closed;
  const head = await new Promise<http.IncomingMessage & { body: string }>((resolve, reject) => {
    const req = http.request(`${server.url}/runs/${run.chain.runId}/events`, { method: "HEAD", agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(Object.assign(res, { body })));
    });
    req.on("error", reject);
    req.end();
  });
  expect(head.statusCode).toBe(200);
  expect(head.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  expect(head.body).toBe("");
  run.finish();
  expect(events.activeStreams).toBe(0);
});

test("a LangChain.js chat run that ended before its page subscribed streams whole: POST, then subscribe", async () => {
  const { FakeListChatModel } = await import("@langchain/core/utils/testing");
  const { RunnableLambda } = await import("@langchain/core/runnables");
  const model = new FakeListChatModel({ responses: ["hey"] });
  const chat = RunnableLambda.from(async (text: string, config) => (await model.invoke(text, config)).text).withConfig({ runName: "chat" });
  const runId = "lc-run";
  await chat.invoke("hi", { runId, callbacks: [bus.asLangChainHandler({ preferStreaming: true })] });
  const client = new SseClient(`${server.url}/runs/${runId}/events`);
  await client.closed;
  expect(client.status).toBe(200);
  expect(client.events).toEqual(["chainStart", "chatModelStart", "llmNewToken", "llmNewToken", "llmNewToken", "llmEnd", "chainEnd"]);
  expect(tokens(client)).toEqual(["h", "e", "y"]);
  expect(client.payloads("chainEnd")[0]).toMatchObject({ runId, outputs: { output: "hey" } });
});

function tokens(client: SseClient): string[] {
  return client.payloads<{ token: string }>("llmNewToken").map((p) => p.token);
}
