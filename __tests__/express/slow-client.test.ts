import type { ServerResponse } from "node:http";
import { setImmediate as tick } from "node:timers/promises";
import express from "express";
import { CallbackBus, CallbackManager } from "callbus";
import { sse, type SseStreamSummary } from "callbus/express";
import { listen, SseClient, until, type Listening } from "./helpers";

const LIMITS = { maxBufferedEvents: 1_000, maxBufferedBytes: 64 * 1024 };
const TOKEN = "t".repeat(8 * 1024);
// 32 MB in all: far more than a paused client's socket buffers can take.
const TOKENS = 4_000;

let bus: CallbackBus;
let server: Listening;
let events: ReturnType<typeof sse>;
let summaries: SseStreamSummary[];
let responses: ServerResponse[];

beforeEach(async () => {
  bus = new CallbackBus();
  summaries = [];
  responses = [];
  events = sse({ bus, heartbeatMs: 0, ...LIMITS, onClose: (s) => summaries.push(s) });
  const app = express();
  app.get("/runs/:runId/events", (req, res) => {
    responses.push(res);
    events(req, res);
  });
  server = await listen(app);
});

afterEach(async () => {
  await server.close();
});

test("a client that stops reading gets its oldest tokens dropped, the rest in order, and the buffer stays bounded", async () => {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "flood" }, {});
  const client = new SseClient(`${server.url}/runs/${chain.runId}/events`, {}, { paused: true });
  await client.ready;
  const [llm] = chain.getChild().handleLLMStart({ name: "model" }, ["p"]);
  let mostHeldByNode = 0;
  for (let i = 0; i < TOKENS; i++) {
    llm.handleLLMNewToken(`${i}:${TOKEN}`);
    mostHeldByNode = Math.max(mostHeldByNode, responses[0].writableLength);
    if (i % 100 === 99) await tick();
  }
  llm.handleLLMEnd({ generations: [[{ text: "flood" }]] });
  chain.handleChainEnd({ done: true });

  client.resume();
  await client.closed;
  await until(() => summaries.length === 1, "the stream reported its close");
  const [summary] = summaries;

  // Node's own buffer never held more than its high-water mark and one frame: the rest waited in ours.
  expect(mostHeldByNode).toBeLessThanOrEqual(16 * 1024 + TOKEN.length + 200);
  expect(summary.reason).toBe("run-ended");
  expect(summary.dropped).toBeGreaterThan(0);
  expect(summary.peakBufferedBytes).toBeLessThanOrEqual(LIMITS.maxBufferedBytes);
  expect(summary.peakBufferedEvents).toBeLessThanOrEqual(LIMITS.maxBufferedEvents);
  expect(summary.sent + summary.dropped).toBe(TOKENS + 3);

  // What arrived: every non-droppable event, the tokens that were not dropped, in order.
  expect(client.ended).toBe(true);
  const names = client.events;
  expect(names[0]).toBe("llmStart");
  expect(names.slice(-2)).toEqual(["llmEnd", "chainEnd"]);
  const tokens = client.payloads<{ token: string }>("llmNewToken").map((p) => Number(p.token.split(":")[0]));
  expect(tokens).toHaveLength(TOKENS - summary.dropped);
  expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
  // Ids were given before dropping, so the gaps show the client what it missed.
  const ids = client.frames.filter((f) => f.event !== undefined).map((f) => Number(f.id));
  expect(ids[ids.length - 1]).toBe(TOKENS + 3);
  expect(ids.length).toBe(TOKENS + 3 - summary.dropped);
  expect(bus.activeScopes).toBe(0);
});

test("when events that may not be dropped overflow, the stream is closed and its listener freed; the run goes on", async () => {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "chatty" }, {});
  const client = new SseClient(`${server.url}/runs/${chain.runId}/events`, {}, { paused: true });
  await client.ready;
  for (let i = 0; i < TOKENS && summaries.length === 0; i++) {
    chain.handleText(`${i}:${TOKEN}`);
    if (i % 100 === 99) await tick();
  }
  await until(() => summaries.length === 1, "the stream was closed");
  expect(summaries[0]).toMatchObject({ reason: "overflow", dropped: 0 });
  expect(summaries[0].peakBufferedBytes).toBeLessThanOrEqual(LIMITS.maxBufferedBytes);
  expect(bus.activeScopes).toBe(0);
  expect(events.activeStreams).toBe(0);
  chain.handleText("nobody hears this");
  chain.handleChainEnd({});
  client.resume();
  await client.closed;
  expect(client.ended).toBe(false);
  expect(client.events).not.toContain("chainEnd");
});
