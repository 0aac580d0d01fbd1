/**
 * Memory run log: what a `MemoryRunLog` adds per event to the chain-run workload (1 and 10
 * handlers), beside the same bus without a log. Alternating rounds, median ns per event, twice:
 * on the run's path (the loop of runs alone) and in all (until the log has serialised what the
 * loop appended, which it does right after the turn that appended it).
 */
import { CallbackBus, CallbackManager, MemoryRunLog } from "callbus";
import { callbusChainRun } from "./chain-run.js";
import { CountingHandler, median } from "./harness.js";

/** Events of one chain run (chain-run.ts). */
const EVENTS_PER_RUN = 56;

function side(handlerCount: number, withLog: boolean) {
  const handlers = Array.from({ length: handlerCount }, () => new CountingHandler());
  // The defaults: every trace is serialised and kept (the oldest go past 1,000 traces).
  const log = withLog ? new MemoryRunLog() : undefined;
  const manager = new CallbackManager(undefined, { bus: new CallbackBus({ log }), handlers, inheritableHandlers: handlers });
  return { run: () => callbusChainRun(manager), log };
}

/** ns per event for the loop alone, and until the turn's deferred work is done too. */
async function nsPerEvent(run: () => void, iterations: number): Promise<{ path: number; all: number }> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run();
  const looped = process.hrtime.bigint();
  await new Promise((resolve) => setImmediate(resolve));
  const settled = process.hrtime.bigint();
  const events = iterations * EVENTS_PER_RUN;
  return { path: Number(looped - start) / events, all: Number(settled - start) / events };
}

/** Prints the table; returns its rows for results. */
// Many short rounds: a round is a few ms, and a garbage collection landing in one or the other
// side swings it by more than the difference measured, so the median needs many of them.
export async function memoryLogBench(rounds = 61): Promise<Record<string, number>[]> {
  const rows: Record<string, number>[] = [];
  for (const handlers of [1, 10]) {
    const plain = side(handlers, false);
    const logged = side(handlers, true);
    const iterations = 100;
    await nsPerEvent(plain.run, iterations);
    await nsPerEvent(logged.run, iterations);
    const without: { path: number; all: number }[] = [];
    const withLog: { path: number; all: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      without.push(await nsPerEvent(plain.run, iterations));
      withLog.push(await nsPerEvent(logged.run, iterations));
    }
    const a = median(without.map((s) => s.all));
    const pathA = median(without.map((s) => s.path));
    const b = median(withLog.map((s) => s.all));
    const pathB = median(withLog.map((s) => s.path));
    rows.push({ handlers, noLog: a, memoryLog: b, added: b - a, addedOnPath: pathB - pathA });
    await logged.log?.close();
  }
  console.log("\nMemoryRunLog on chain-run (ns per event, median; each event serialised once, to JSON)\n");
  console.log("| handlers | no log | MemoryRunLog | added per event, on the run's path | added per event, serialising included |");
  console.log("|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.handlers} | ${r.noLog.toFixed(0)} | ${r.memoryLog.toFixed(0)} | ${r.addedOnPath.toFixed(0)} | ${r.added.toFixed(0)} |`);
  return rows;
}
