/**
 * `sse({ redact })`: keys the user hides never reach a client, whether the stream reads the bus
 * (no log), a MemoryRunLog or a RedisRunLog, live or replayed, at any depth and in any case.
 */
import express from "express";
import { CallbackBus, CallbackManager, MemoryRunLog, type RunLog } from "callbus";
import { sse, type SseHandler } from "callbus/express";
import { RedisRunLog } from "callbus/redis";
import { testRedisUrl } from "../setup/test-redis";
import { uniquePrefix } from "../redis/instance";
import { listen, SseClient, until, type Listening } from "./helpers";

const SECRETS = ["sk-input", "sk-meta", "sk-token-meta", "sk-output", "sk-tool"];

interface App {
  bus: CallbackBus;
  events: SseHandler;
  server: Listening;
  url(runId: string): string;
  close(): Promise<void>;
}

async function start(log: RunLog | undefined): Promise<App> {
  const bus = new CallbackBus({ log });
  const events = sse({ bus, heartbeatMs: 0, redact: ["apiKey", "Authorization"] });
  const app = express();
  app.get("/runs/:runId/events", events);
  const server = await listen(app);
  return {
    bus,
    events,
    server,
    url: (runId) => `${server.url}/runs/${runId}/events`,
    async close() {
      await server.close();
      await log?.close();
    },
  };
}

/** A chain whose inputs, metadata, tokens, tool input and outputs all carry a secret. */
function secretRun(bus: CallbackBus, runId: string): void {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "login" }, { user: "ada", apiKey: "sk-input" }, runId, undefined, [], { APIKEY: "sk-meta" });
  const [llm] = chain.getChild().handleLLMStart({ name: "model" }, ["hi"]);
  llm.handleLLMNewToken("ok", undefined, undefined, undefined, undefined, { chunk: { text: "ok", generationInfo: { authorization: "sk-token-meta" } } });
  llm.handleLLMEnd({ generations: [[{ text: "ok" }]], llmOutput: { nested: [{ ApiKey: "sk-output" }] } });
  const tool = chain.getChild().handleToolStart({ name: "fetch" }, JSON.stringify({ url: "https://x" }), undefined, undefined, undefined, { headers: { Authorization: "sk-tool" } });
  tool.handleToolEnd("done");
  chain.handleChainEnd({ reply: "ok" });
}

const EVENTS = ["chainStart", "llmStart", "llmNewToken", "llmEnd", "toolStart", "toolEnd", "chainEnd"];

/** What every client of a redacted run must have got: every event, no secret, the keys still there. */
function expectRedacted(client: SseClient): void {
  expect(client.status).toBe(200);
  expect(client.events).toEqual(EVENTS);
  for (const secret of SECRETS) expect(client.body).not.toContain(secret);
  expect(client.payloads("chainStart")[0]).toMatchObject({ inputs: { user: "ada", apiKey: "[redacted]" }, metadata: { APIKEY: "[redacted]" } });
  expect(client.payloads("llmEnd")[0]).toMatchObject({ output: { llmOutput: { nested: [{ ApiKey: "[redacted]" }] } } });
  expect(client.payloads("toolStart")[0]).toMatchObject({ metadata: { headers: { Authorization: "[redacted]" } } });
  expect(client.payloads("chainEnd")[0]).toMatchObject({ outputs: { reply: "ok" } });
}

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

test("without a log: clients following the bus live get every event with the keys hidden, the same bytes each", async () => {
  app = await start(undefined);
  const clients = [new SseClient(app.url("live")), new SseClient(app.url("live"))];
  expect(await app.events.waitForClient("live")).toBe(true);
  await until(() => app!.events.activeStreams === 2, "both clients subscribed");
  secretRun(app.bus, "live");
  await Promise.all(clients.map((client) => client.closed));
  for (const client of clients) expectRedacted(client);
  // One redacted copy per event, shared: both clients got exactly the same data.
  expect(clients[0].frames.map((f) => f.data)).toEqual(clients[1].frames.map((f) => f.data));
});

test("with a MemoryRunLog: a late client, and one resuming after Last-Event-ID, get the keys hidden", async () => {
  app = await start(new MemoryRunLog());
  secretRun(app.bus, "ended");
  const late = new SseClient(app.url("ended"));
  await late.closed;
  expectRedacted(late);
  const ids = late.frames.filter((f) => f.event !== undefined).map((f) => f.id!);
  const resumed = new SseClient(app.url("ended"), { "last-event-id": ids[1] });
  await resumed.closed;
  expect(resumed.events).toEqual(EVENTS.slice(2));
  expect(resumed.frames.filter((f) => f.event !== undefined).map((f) => f.id)).toEqual(ids.slice(2));
  for (const secret of SECRETS) expect(resumed.body).not.toContain(secret);
});

test("with a RedisRunLog: history and live events read from Redis get the keys hidden", async () => {
  const log = new RedisRunLog({ url: testRedisUrl(), prefix: uniquePrefix("redact"), onError: () => undefined });
  app = await start(log);
  const runId = `redis-${Date.now()}`;
  const chain = new CallbackManager(undefined, { bus: app.bus }).handleChainStart({ name: "login" }, { apiKey: "sk-input" }, runId);
  expect(await log.flush()).toBe(true);
  const client = new SseClient(app.url(runId));
  await until(() => client.events.length === 1, "the history arrived");
  chain.handleChainEnd({ reply: "ok", auth: { authorization: "sk-output" } });
  await client.closed;
  expect(client.events).toEqual(["chainStart", "chainEnd"]);
  for (const secret of ["sk-input", "sk-output"]) expect(client.body).not.toContain(secret);
  expect(client.payloads("chainStart")[0]).toMatchObject({ inputs: { apiKey: "[redacted]" } });
  expect(client.payloads("chainEnd")[0]).toMatchObject({ outputs: { reply: "ok", auth: { authorization: "[redacted]" } } });
});

test("a redact that is not a list of key names is refused by name", () => {
  expect(() => sse({ redact: "apiKey" as unknown as string[] })).toThrow('callbus: sse() needs `redact` as a list of key names, like ["apiKey"], got "apiKey"');
  expect(() => sse({ redact: [""] })).toThrow(/sse\(\) needs `redact`/);
});
