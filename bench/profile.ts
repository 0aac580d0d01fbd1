/**
 * Runs one side of one workload for a few seconds, for a CPU profile:
 *
 *   npm run build
 *   TSX_TSCONFIG_PATH=bench/tsconfig.json node --cpu-prof --cpu-prof-dir=bench/.profiles --import tsx bench/profile.ts chain-run/1 callbus 5
 *   npx tsx bench/profile-summary.ts bench/.profiles/<file>.cpuprofile
 *
 * (bench/tsconfig.json points `callbus` at the built package, as `npm run bench` does; the
 * largest profile file is the main thread's.)
 *
 * Arguments: a workload name (or part of one), a side (callbus, langchainInline,
 * langchainBackground, floor; callbus by default) and seconds (5 by default).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { SIDES, type SideName } from "./harness.js";
import { callbackWorkloads } from "./workloads.js";

const [pattern = "chain-run/1", sideArg = "callbus", secondsArg = "5"] = process.argv.slice(2);
const workloads = callbackWorkloads();
const workload = workloads.find((w) => w.name.includes(pattern));
if (workload === undefined) throw new Error(`profile: no workload name contains ${JSON.stringify(pattern)}`);
if (!(SIDES as readonly string[]).includes(sideArg)) throw new Error(`profile: side must be one of ${SIDES.join(", ")}, got ${JSON.stringify(sideArg)}`);
const seconds = Number(secondsArg);
if (!(seconds > 0)) throw new Error(`profile: seconds must be a positive number, got ${JSON.stringify(secondsArg)}`);

// As in `npm run bench`: AsyncLocalStorage in use, as in any LangChain.js app.
new AsyncLocalStorage().run(true, () => undefined);

const side = workload.sides()[sideArg as SideName];
side.enter?.();
const until = Date.now() + seconds * 1000;
let iterations = 0;
while (Date.now() < until) {
  // Batches of 100 keep the clock check out of the profile.
  for (let i = 0; i < 100; i++) {
    if (side.sync) side.iteration();
    else await side.iteration();
  }
  iterations += 100;
  if (side.settle !== undefined) await side.settle();
}
console.log(`${workload.name} / ${sideArg}: ${iterations} iterations, ${iterations * workload.eventsPerIteration} events in ${seconds} s`);
