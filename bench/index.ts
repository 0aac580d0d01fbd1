/**
 * `npm run bench`: every workload through callbus, @langchain/core (inline and background) and a
 * bare eventemitter3 emit, in alternating rounds; prints ns per emitted event and the ratios,
 * and writes them to bench/results.json.
 *
 *   npm run bench                 # all workloads, 9 rounds
 *   npm run bench -- chain-run    # only workloads whose name contains "chain-run"
 *   npm run bench -- run-log      # only the run-log workloads (bench/run-logs.ts)
 *   BENCH_ROUNDS=9 BENCH_BATCH_MS=150 npm run bench
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatTable, machine, runWorkload, type WorkloadResult } from "./harness.js";
import { RUN_LOG_WORKLOADS, runLogBenches } from "./run-logs.js";
import { callbackWorkloads as allCallbackWorkloads } from "./workloads.js";

/** A full garbage collection (node runs with --expose-gc: `npm run bench` passes it). */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("bench: run node with --expose-gc (npm run bench does), so that each workload starts from a collected heap");
  gc();
}

const rounds = Math.max(7, Number(process.env.BENCH_ROUNDS ?? 9));
const batchMs = Number(process.env.BENCH_BATCH_MS ?? 100);
const filter = process.argv[2];

// The filter sees every workload: the callback ones (bench/workloads.ts) and the run-log ones (bench/run-logs.ts).
const callbackWorkloads = allCallbackWorkloads();
const selected = (name: string) => filter === undefined || name.includes(filter);
const workloads = callbackWorkloads.filter((w) => selected(w.name));
const logWorkloads = RUN_LOG_WORKLOADS.filter(selected);
if (workloads.length === 0 && logWorkloads.length === 0) {
  const names = [...callbackWorkloads.map((w) => w.name), ...RUN_LOG_WORKLOADS];
  throw new Error(`bench: no workload name contains ${JSON.stringify(filter)} (workloads: ${names.join(", ")})`);
}

// AsyncLocalStorage is in use in any LangChain.js app (its runnables carry their config in it)
// and in callbus (the current run). Once in use, Node 20 tracks every promise, which slows
// promise-heavy code; turn it on before the first round so that every side runs under it.
new AsyncLocalStorage().run(true, () => undefined);

const host = machine();
console.log(`callbus bench: Node ${host.node}, ${host.cores} cores (${host.cpu}), ${host.platform}; ${rounds} rounds of ~${batchMs} ms per side, median`);
if (workloads.length > 0) {
  const started = Date.now();
  const results: WorkloadResult[] = [];
  for (const workload of workloads) {
    // Each workload starts from a collected heap: the previous one's garbage (LangChain.js's
    // background mode with 10 handlers leaves the most) is not collected on the next one's clock.
    collectGarbage();
    process.stdout.write(`  ${workload.name} ... `);
    const result = await runWorkload(workload, { rounds, batchMs });
    results.push(result);
    console.log(`callbus ${result.nsPerEvent.callbus.toFixed(1)} ns/event`);
  }

  console.log(`\nns per emitted event (median of ${rounds} rounds; lower is better); ratios: the median of the ${rounds} rounds' own ratios\n`);
  console.log(formatTable(results));
  console.log("\ncallbus/floor: callbus's cost over a bare eventemitter3 emit (1.00x = no overhead).");
  console.log("lc .../callbus: how many times slower @langchain/core is than callbus on the same work.");
  console.log("awaited-*: every manager call awaited; the floor awaits each bare emit.");
  console.log("otel/*: callbus with the OpenTelemetry handler (real SDK spans); its floor column is a no-op handler.");
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // Only a run of the callback workloads rewrites results.json (a run-log-only run has none to write).
  const out = fileURLToPath(new URL("./results.json", import.meta.url));
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine: host, rounds, batchMs, results }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

// Run logs (MemoryRunLog per event, RedisRunLog throughput and A->B latency, SSE fan-out): bench/run-logs.ts.
if (logWorkloads.length > 0) await runLogBenches(filter);
