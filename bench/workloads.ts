/**
 * The callback workloads of `npm run bench`, in the order it runs them (the ones measured
 * before come first, in their old order, so that their figures compare); `bench/profile.ts`
 * picks one of them by name.
 */
import { awaitedChainRun } from "./awaited-chain-run.js";
import { chainRun } from "./chain-run.js";
import { deepTree } from "./deep-tree.js";
import type { Workload } from "./harness.js";
import { otelChainRun } from "./otel.js";
import { tokenStream } from "./token-stream.js";

export function callbackWorkloads(): Workload[] {
  return [
    chainRun(1),
    chainRun(10),
    tokenStream(1),
    tokenStream(100),
    deepTree(),
    awaitedChainRun(1, "sync"),
    awaitedChainRun(10, "sync"),
    awaitedChainRun(1, "async"),
    awaitedChainRun(10, "async"),
    otelChainRun(),
  ];
}
