/**
 * Faults, each on a redis-server of its own: a restart mid-run, a stall (SIGSTOP) mid-run, and
 * every connection dropped. The run never waits on Redis, and nothing is lost silently: what
 * Redis did not take shows as a `gap`, where it is.
 */
import { SseClient, until } from "../express/helpers";
import { startRedisServer, type RedisServer } from "../setup/redis-server";
import { adminClient, startInstance, startRun, uniquePrefix, type Instance } from "./instance";

let server: RedisServer;
let a: Instance;
let b: Instance;
beforeEach(async () => {
  server = await startRedisServer();
});
afterEach(async () => {
  await a?.close();
  await b?.close();
  await server.stop();
});

/** Whether stream id `a` comes after `b`. */
const laterId = (a: string, b: string) => {
  const [am, as] = a.split("-").map(Number);
  const [bm, bs] = b.split("-").map(Number);
  return am > bm || (am === bm && as > bs);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tokens = (client: SseClient) => client.payloads<{ token: string }>("llmNewToken").map((p) => p.token);

test("redis-server restarted mid-run: what was appended while it was down is written on reconnect; B's live client misses nothing; a late reader sees a gap where the old stream was lost", async () => {
  const prefix = uniquePrefix("restart");
  a = await startInstance(server.url, prefix);
  b = await startInstance(server.url, prefix);
  const run = startRun(a.bus);
  run.token("1");
  const live = new SseClient(b.streamUrl(run.chain.runId));
  await until(() => live.events.length === 3, "B streams the start");
  expect(await a.log.flush()).toBe(true);

  await server.stop();
  run.token("2");
  run.token("3");
  expect(a.log.queued).toBe(2);
  server = await startRedisServer(server.port);
  run.token("4");
  run.finish();
  await live.closed;
  expect(live.events).toEqual(["chainStart", "llmStart", "llmNewToken", "llmNewToken", "llmNewToken", "llmNewToken", "llmEnd", "chainEnd"]);
  expect(tokens(live)).toEqual(["1", "2", "3", "4"]);
  expect(a.log.dropped).toBe(0);

  // Redis lost the stream's first part with the restart (no persistence): a late reader is told.
  const late = new SseClient(b.streamUrl(run.chain.runId));
  await late.closed;
  expect(late.events).toEqual(["gap", "llmNewToken", "llmNewToken", "llmNewToken", "llmEnd", "chainEnd"]);
  expect(tokens(late)).toEqual(["2", "3", "4"]);
  expect(late.payloads("gap")[0]).toMatchObject({ runId: run.chain.runId, after: "0-0" });
});

test("redis-server stalled (SIGSTOP) mid-run: the run never waits, the queue stays bounded, readers resume after SIGCONT with a gap where events were dropped", async () => {
  const prefix = uniquePrefix("stall");
  a = await startInstance(server.url, prefix, { maxQueued: 50 });
  b = await startInstance(server.url, prefix);
  const run = startRun(a.bus);
  run.token("before");
  const live = new SseClient(b.streamUrl(run.chain.runId));
  await until(() => live.events.length === 3, "B streams the start");
  expect(await a.log.flush()).toBe(true);

  server.process.kill("SIGSTOP");
  try {
    // The first write after the stall is sent and hangs; what follows waits in the queue.
    run.token("in-flight");
    await sleep(100);
    // Appends only queue: this loop cannot wait on the stopped server.
    for (let i = 0; i < 200; i++) run.token(String(i));
    expect(a.log.queued).toBe(50);
    expect(a.log.dropped).toBe(150);
  } finally {
    server.process.kill("SIGCONT");
  }
  // The end events queue behind the 50 newest tokens and push the two oldest of them out.
  run.finish();
  expect(a.log.dropped).toBe(152);
  await live.closed;
  expect(tokens(live)).toEqual(["before", "in-flight", ...Array.from({ length: 48 }, (_, i) => String(152 + i))]);
  const events = live.events;
  const ids = live.frames.filter((f) => f.event).map((f) => f.id!);
  const gapAt = events.indexOf("gap");
  expect(events.slice(0, gapAt)).toEqual(["chainStart", "llmStart", "llmNewToken", "llmNewToken"]);
  expect(events.slice(gapAt)).toEqual(["gap", ...Array<string>(48).fill("llmNewToken"), "llmEnd", "chainEnd"]);
  // The gap names the last id the client had and the marker that stands where the loss is.
  const gap = live.payloads<{ runId: string; after: string; first: string }>("gap")[0];
  expect(gap).toEqual({ runId: run.chain.runId, after: ids[gapAt - 1], first: gap.first });
  expect(laterId(ids[gapAt + 1], gap.first)).toBe(true);
});

test("every connection dropped (CLIENT KILL): readers reconnect and continue from their last id, exactly once each", async () => {
  const prefix = uniquePrefix("kill");
  a = await startInstance(server.url, prefix);
  b = await startInstance(server.url, prefix);
  const run = startRun(a.bus);
  run.token("1");
  const live = new SseClient(b.streamUrl(run.chain.runId));
  await until(() => live.events.length === 3, "B streams the start");
  expect(await a.log.flush()).toBe(true);
  const admin = await adminClient(server.url);
  const killed = await admin.sendCommand(["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]);
  expect(killed).toBeGreaterThanOrEqual(3);
  admin.destroy();
  for (let i = 2; i <= 5; i++) run.token(String(i));
  run.finish();
  await live.closed;
  expect(tokens(live)).toEqual(["1", "2", "3", "4", "5"]);
  expect(live.events).toEqual(["chainStart", "llmStart", ...Array<string>(5).fill("llmNewToken"), "llmEnd", "chainEnd"]);
});
