/** A service instance for the Redis tests: its own bus, RedisRunLog and Express server with sse(). */
import express from "express";
import { createClient } from "redis";
import { CallbackBus, CallbackManager } from "callbus";
import { sse, type SseHandler, type SseStreamSummary } from "callbus/express";
import { RedisRunLog, type RedisRunLogOptions } from "callbus/redis";
import { listen, type Listening } from "../express/helpers";

export interface Instance {
  readonly bus: CallbackBus;
  readonly log: RedisRunLog;
  readonly events: SseHandler;
  readonly server: Listening;
  readonly summaries: SseStreamSummary[];
  /** `<server>/runs/<runId>/events` */
  streamUrl(runId: string): string;
  close(): Promise<void>;
}

/** Starts an instance on `url` with keys under `prefix` (one per test, so tests never share a trace). */
export async function startInstance(url: string, prefix: string, options: Omit<RedisRunLogOptions, "url" | "client" | "prefix"> = {}): Promise<Instance> {
  const log = new RedisRunLog({ url, prefix, onError: () => undefined, ...options });
  const bus = new CallbackBus({ log });
  const summaries: SseStreamSummary[] = [];
  const events = sse({ bus, heartbeatMs: 0, startTimeoutMs: 5_000, onClose: (s) => summaries.push(s) });
  const app = express();
  app.get("/runs/:runId/events", events);
  const server = await listen(app);
  return {
    bus,
    log,
    events,
    server,
    summaries,
    streamUrl: (runId) => `${server.url}/runs/${encodeURIComponent(runId)}/events`,
    async close() {
      await server.close();
      await log.close();
    },
  };
}

/** A connected node-redis client for looking at the server from outside. */
export async function adminClient(url: string) {
  const client = createClient({ url });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

export const serialized = { lc: 1, type: "not_implemented" as const, id: ["test"] };

/** A chain with a streaming model on `bus`; `tokens` and `finish` drive it. */
export function startRun(bus: CallbackBus, runId?: string) {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart(serialized, { q: 1 }, runId);
  const [llm] = chain.getChild().handleLLMStart(serialized, ["hi"]);
  return {
    chain,
    llm: llm,
    token: (t: string) => llm.handleLLMNewToken(t),
    finish() {
      llm.handleLLMEnd({ generations: [[{ text: "done" }]] });
      chain.handleChainEnd({ answer: "done" });
    },
  };
}

let counter = 0;
/** A key prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${process.pid}-${++counter}`;
}
