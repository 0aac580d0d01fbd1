/**
 * `npm run bench`: every workload through callbus, @langchain/core (inline and background) and a
 * bare eventemitter3 emit, in alternating rounds; prints ns per emitted event and the ratios,
 * and writes them to bench/results.json.
 *
 *   npm run bench                 # all workloads, 7 rounds
 *   npm run bench -- chain-run    # only workloads whose name contains "chain-run"
 *   BENCH_ROUNDS=9 BENCH_BATCH_MS=150 npm run bench
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chainRun } from "./chain-run.js";
import { deepTree } from "./deep-tree.js";
import { formatTable, machine, runWorkload, type WorkloadResult } from "./harness.js";
import { tokenStream } from "./token-stream.js";

const rounds = Math.max(7, Number(process.env.BENCH_ROUNDS ?? 7));
const batchMs = Number(process.env.BENCH_BATCH_MS ?? 100);
const filter = process.argv[2];

const workloads = [chainRun(1), chainRun(10), tokenStream(1), tokenStream(100), deepTree()].filter((w) => filter === undefined || w.name.includes(filter));
if (workloads.length === 0) throw new Error(`bench: no workload name contains ${JSON.stringify(filter)}`);

// AsyncLocalStorage is in use in any LangChain.js app (its runnables carry their config in it)
// and in callbus (the current run). Once in use, Node 20 tracks every promise, which slows
// promise-heavy code; turn it on before the first round so that every side runs under it.
new AsyncLocalStorage().run(true, () => undefined);

const host = machine();
console.log(`callbus bench: Node ${host.node}, ${host.cores} cores (${host.cpu}), ${host.platform}; ${rounds} rounds of ~${batchMs} ms per side, median`);
const started = Date.now();
const results: WorkloadResult[] = [];
for (const workload of workloads) {
  process.stdout.write(`  ${workload.name} ... `);
  const result = await runWorkload(workload, { rounds, batchMs });
  results.push(result);
  console.log(`callbus ${result.nsPerEvent.callbus.toFixed(1)} ns/event`);
}

console.log(`\nns per emitted event (median of ${rounds}; lower is better)\n`);
console.log(formatTable(results));
console.log("\ncallbus/floor: callbus's cost over a bare eventemitter3 emit (1.00x = no overhead).");
console.log("lc .../callbus: how many times slower @langchain/core is than callbus on the same work.");
console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);

const out = fileURLToPath(new URL("./results.json", import.meta.url));
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine: host, rounds, batchMs, results }, null, 2)}\n`);
console.log(`wrote ${out}`);
