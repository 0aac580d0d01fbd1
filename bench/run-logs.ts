/**
 * The run-log workloads: MemoryRunLog's cost per event, RedisRunLog's throughput and A->B
 * latency, and SSE fan-out. `npm run bench` runs them after the callback workloads;
 * `npm run bench:logs` runs only these (on the TypeScript sources).
 *
 *   npm run bench:logs                 # all three
 *   npm run bench:logs -- redis        # only those whose name contains "redis"
 */
import { fileURLToPath } from "node:url";
import { memoryLogBench } from "./run-log-memory.js";
import { redisLogBench } from "./run-log-redis.js";
import { sseFanoutBench } from "./sse-fanout.js";

const WORKLOADS: [string, () => Promise<unknown>][] = [
  ["run-log/memory", () => memoryLogBench()],
  ["run-log/redis", () => redisLogBench()],
  ["run-log/sse-fanout", () => sseFanoutBench()],
];

/** The names of the run-log workloads, so `bench/index.ts` can tell whether a filter selects any. */
export const RUN_LOG_WORKLOADS: readonly string[] = WORKLOADS.map(([name]) => name);

/** Runs the workloads whose name contains `filter` (all without one). */
export async function runLogBenches(filter?: string): Promise<void> {
  for (const [name, run] of WORKLOADS) {
    if (filter !== undefined && !name.includes(filter)) continue;
    await run();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runLogBenches(process.argv[2]);
