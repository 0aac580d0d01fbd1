import { RedisRunLog } from "callbus/redis";
import { createClient } from "redis";
import type { RunLogEntry } from "callbus";
import { SseClient, until } from "../express/helpers";
import { testRedisUrl } from "../setup/test-redis";
import { adminClient, startInstance, startRun, uniquePrefix, type Instance } from "./instance";

const STREAM_ID = /^\d+-\d+$/;
const tokens = (client: SseClient) => client.payloads<{ token: string }>("llmNewToken").map((p) => p.token);

let a: Instance;
let b: Instance;
beforeEach(async () => {
  const prefix = uniquePrefix("xi");
  a = await startInstance(testRedisUrl(), prefix);
  b = await startInstance(testRedisUrl(), prefix);
});
afterEach(async () => {
  await a.close();
  await b.close();
});

async function all(entries: AsyncIterable<RunLogEntry>): Promise<RunLogEntry[]> {
  const out: RunLogEntry[] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

test("a run on A reads back on B whole, with stream ids, from any run id of it, and after any id", async () => {
  const run = startRun(a.bus);
  run.token("x");
  run.token("y");
  run.finish();
  expect(await a.log.flush()).toBe(true);
  const entries = await all(b.log.read(run.chain.runId));
  expect(entries.map((e) => e.event)).toEqual(["chainStart", "llmStart", "llmNewToken", "llmNewToken", "llmEnd", "chainEnd"]);
  for (const entry of entries) expect(entry.id).toMatch(STREAM_ID);
  expect(entries[2].payload).toMatchObject({ runId: run.llm.runId, parentRunId: run.chain.runId, token: "x" });
  const rest = await all(b.log.read(run.chain.runId, { after: entries[2].id }));
  expect(rest.map((e) => e.id)).toEqual(entries.slice(3).map((e) => e.id));
  const child = await all(b.log.read(run.llm.runId));
  expect(child.map((e) => e.event)).toEqual(["llmStart", "llmNewToken", "llmNewToken", "llmEnd"]);
  expect(await b.log.has(run.llm.runId)).toBe(true);
  expect(await b.log.has("nobody")).toBe(false);
  expect((await b.log.recentRoots(5))[0]).toBe(run.chain.runId);
  expect(await all(b.log.read(run.chain.runId, { after: entries.at(-1)!.id }))).toEqual([]);
  await expect(all(b.log.read(run.chain.runId, { after: "12" }))).resolves.toBeDefined();
  expect(() => b.log.read(run.chain.runId, { after: "x-1" })).toThrow('callbus: RedisRunLog ids are Redis stream ids like 1700000000000-0, got "x-1"');
});

test("run on A, SSE client on B: live from before the start, joined mid-run, and after the end", async () => {
  const runId = `live-${Date.now()}`;
  const early = new SseClient(b.streamUrl(runId));
  expect(await b.events.waitForClient(runId)).toBe(true);
  const run = startRun(a.bus, runId);
  run.token("1");
  await until(() => early.events.length === 3, "B streamed the first three events live");
  const middle = new SseClient(b.streamUrl(runId));
  await until(() => middle.events.length === 3, "the mid-run client got the history");
  run.token("2");
  run.finish();
  await Promise.all([early.closed, middle.closed]);
  const late = new SseClient(b.streamUrl(runId));
  await late.closed;
  const expected = ["chainStart", "llmStart", "llmNewToken", "llmNewToken", "llmEnd", "chainEnd"];
  for (const client of [early, middle, late]) {
    expect(client.status).toBe(200);
    expect(client.ended).toBe(true);
    expect(client.events).toEqual(expected);
    expect(tokens(client)).toEqual(["1", "2"]);
  }
  const ids = late.frames.filter((f) => f.event).map((f) => f.id!);
  for (const id of ids) expect(id).toMatch(STREAM_ID);
  expect(early.frames.filter((f) => f.event).map((f) => f.id)).toEqual(ids);

  const resumed = new SseClient(b.streamUrl(runId), { "last-event-id": ids[2] });
  await resumed.closed;
  expect(resumed.events).toEqual(expected.slice(3));
  expect(resumed.frames.filter((f) => f.event).map((f) => f.id)).toEqual(ids.slice(3));
});

test("a trimmed trace gives a gap first, then what is kept; an expired one is gone", async () => {
  const prefix = uniquePrefix("trim");
  const writer = await startInstance(testRedisUrl(), prefix, { maxLenPerTrace: 10, retainMs: 500 });
  const reader = await startInstance(testRedisUrl(), prefix);
  try {
    const run = startRun(writer.bus);
    for (let i = 0; i < 1_000; i++) run.token(String(i));
    run.finish();
    expect(await writer.log.flush()).toBe(true);
    const entries = await all(reader.log.read(run.chain.runId));
    const gap = entries[0];
    expect(gap.event).toBe("gap");
    expect(gap.payload).toEqual({ runId: run.chain.runId, after: "0-0", first: entries[1].id });
    expect(entries.length).toBeLessThan(1_004);
    expect(entries.at(-1)!.event).toBe("chainEnd");
    const kept = entries.slice(1, -2).map((e) => Number((e.payload as unknown as { token: string }).token));
    expect(kept).toEqual(kept.map((_, i) => kept[0] + i));
    expect(kept.at(-1)).toBe(999);

    const client = new SseClient(reader.streamUrl(run.chain.runId), { "last-event-id": "1-0" });
    await client.closed;
    expect(client.events[0]).toBe("gap");
    expect(client.payloads("gap")[0]).toEqual({ runId: run.chain.runId, after: "1-0", first: entries[1].id });
    expect(client.events.at(-1)).toBe("chainEnd");

    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await reader.log.has(run.chain.runId)).toBe(false);
    expect(await reader.log.has(run.llm.runId)).toBe(false);
    const gone = new SseClient(reader.streamUrl(run.chain.runId), { "last-event-id": entries[1].id });
    await gone.closed;
    expect(gone.status).toBe(410);
  } finally {
    await writer.close();
    await reader.close();
  }
});

test("a client given node-redis's own client type-checks and works; the log leaves that client open", async () => {
  const client = await createClient({ url: testRedisUrl() }).connect();
  const log = new RedisRunLog({ client, prefix: uniquePrefix("own") });
  log.append("text", { runId: "r", tags: [], metadata: {}, text: "t" } as never);
  expect(await log.flush()).toBe(true);
  await log.close();
  expect(client.isOpen).toBe(true);
  expect(await client.ping()).toBe("PONG");
  client.destroy();
  expect(() => new RedisRunLog({ client: {} as never })).toThrow(/needs `client` to be a node-redis client .* it has no sendCommand/);
  expect(() => new RedisRunLog({ prefix: "a{b}" })).toThrow(/prefix/);
});

test("2 instances x 200 SSE clients: every stream ends, no listener or stream stays, Redis connections stay at 2 per instance", async () => {
  const admin = await adminClient(testRedisUrl());
  const connections = async () => (await admin.sendCommand<string>(["CLIENT", "LIST"])).trim().split("\n").length;
  // Following one live run opens each instance's one blocking connection (made on first use).
  for (const instance of [a, b]) {
    const warm = startRun(a.bus);
    const reading = all(instance.log.read(warm.chain.runId));
    await until(() => instance.log.followedTraces === 1, "the warm-up read follows");
    warm.finish();
    await reading;
  }
  const before = await connections();

  const run = startRun(a.bus);
  run.token("first");
  const clients = [a, b].flatMap((instance) => Array.from({ length: 200 }, () => new SseClient(instance.streamUrl(run.chain.runId))));
  await until(() => clients.every((c) => c.events.length === 3), "400 clients have the history", 30_000);
  expect(a.log.followedTraces + b.log.followedTraces).toBeLessThanOrEqual(2);
  expect(await connections()).toBe(before);
  for (let i = 0; i < 20; i++) run.token(String(i));
  run.finish();
  await Promise.all(clients.map((c) => c.closed));
  for (const client of clients) {
    expect(client.events.length).toBe(3 + 20 + 2);
    expect(client.events.at(-1)).toBe("chainEnd");
  }
  await until(() => a.events.activeStreams === 0 && b.events.activeStreams === 0, "every stream closed");
  expect(a.log.followedTraces + b.log.followedTraces).toBe(0);
  expect(a.bus.activeScopes + b.bus.activeScopes).toBe(0);
  expect(a.bus.activeRuns + b.bus.activeRuns).toBe(0);
  expect(await connections()).toBe(before);
  admin.destroy();
});
