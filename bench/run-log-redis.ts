/**
 * RedisRunLog: events/s written from one instance beside a raw pipelined XADD loop of the same
 * payloads (the floor), and A->B latency: an event appended on instance A until an SSE client
 * of instance B has read it, one event at a time, p50/p99 over 10,000 events.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";
import { CallbackBus, type RunEvent } from "callbus";
import { sse } from "callbus/express";
import { RedisRunLog } from "callbus/redis";
import { FIXTURE } from "./harness.js";
import { benchRedis } from "./bench-redis.js";

const EVENTS = 50_000;
const LATENCY_EVENTS = 10_000;

/** The payloads of a chain run's token events, as the bus builds them. */
function tokenPayload(runId: string, parentRunId: string, i: number): RunEvent & { token: string; idx: { prompt: number; completion: number } } {
  return { runId, parentRunId, tags: FIXTURE.tags, metadata: FIXTURE.metadata, token: String(i), idx: FIXTURE.idx };
}

async function throughputLog(url: string, prefix: string): Promise<number> {
  const log = new RedisRunLog({ url, prefix, maxQueued: EVENTS * 2 });
  await log.has("warm-up");
  const start = process.hrtime.bigint();
  log.append("chainStart", { runId: "root", tags: [], metadata: {}, serialized: FIXTURE.chain, inputs: FIXTURE.inputs } as RunEvent);
  for (let i = 0; i < EVENTS; i++) log.append("llmNewToken", tokenPayload("llm", "root", i));
  await log.flush(60_000);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await log.close();
  return EVENTS / seconds;
}

async function throughputRaw(url: string, prefix: string): Promise<number> {
  const client = await createClient({ url }).connect();
  const key = `${prefix}:{raw}:events`;
  const start = process.hrtime.bigint();
  for (let from = 0; from < EVENTS; from += 1_000) {
    const pipeline = client.multi();
    for (let i = from; i < Math.min(EVENTS, from + 1_000); i++) {
      pipeline.addCommand(["XADD", key, "MAXLEN", "~", "100000", "*", "e", "llmNewToken", "r", "llm", "p", "root", "d", JSON.stringify(tokenPayload("llm", "root", i))]);
    }
    await pipeline.execAsPipeline();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  client.destroy();
  return EVENTS / seconds;
}

/** A->B: B's SSE client reads what A appends; each event is sent once the previous one arrived. */
async function latency(url: string, prefix: string): Promise<{ p50: number; p99: number }> {
  const a = new RedisRunLog({ url, prefix });
  const b = new RedisRunLog({ url, prefix });
  const busB = new CallbackBus({ log: b });
  const stream = sse({ bus: busB, heartbeatMs: 0 });
  const server = http.createServer((req, res) => stream(Object.assign(req, { params: { runId: "root" } }), res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  a.append("chainStart", { runId: "root", tags: [], metadata: {}, serialized: FIXTURE.chain, inputs: FIXTURE.inputs } as RunEvent);
  await a.flush();
  const samples: number[] = [];
  let sentAt = 0n;
  let next: (() => void) | undefined;
  const req = http.get({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      // One sample per token frame (a chunk may carry several), timed from the last append.
      const frames = chunk.split("event: llmNewToken").length - 1;
      if (frames === 0 || sentAt === 0n) return;
      for (let i = 0; i < frames; i++) samples.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
      next?.();
    });
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    const arrived = new Promise<void>((resolve) => (next = resolve));
    sentAt = process.hrtime.bigint();
    a.append("llmNewToken", tokenPayload("llm", "root", i));
    await arrived;
  }
  req.destroy();
  server.close();
  await a.close();
  await b.close();
  samples.sort((x, y) => x - y);
  return { p50: samples[Math.floor(samples.length * 0.5)], p99: samples[Math.floor(samples.length * 0.99)] };
}

export async function redisLogBench(): Promise<Record<string, number>> {
  const redis = await benchRedis();
  const prefix = `bench-${process.pid}-${Date.now()}`;
  try {
    const raw = await throughputRaw(redis.url, prefix);
    const logged = await throughputLog(redis.url, prefix);
    // Its own prefix: the throughput runs wrote a trace of the same id, which B would replay first.
    const { p50, p99 } = await latency(redis.url, `${prefix}-latency`);
    console.log(`\nRedisRunLog on ${redis.url} (one instance; ${EVENTS} token events)\n`);
    console.log("| measure | RedisRunLog | raw pipelined XADD | floor/log |");
    console.log("|:---|---:|---:|---:|");
    console.log(`| events/s written | ${logged.toFixed(0)} | ${raw.toFixed(0)} | ${(raw / logged).toFixed(2)}x |`);
    console.log(`\nA->B latency (append on A -> SSE client of B has it), ${LATENCY_EVENTS} events one at a time: p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`);
    return { eventsPerSecond: logged, rawEventsPerSecond: raw, p50Ms: p50, p99Ms: p99 };
  } finally {
    await redis.stop();
  }
}
