/** `RunCollectorCallbackHandler`: finished root runs kept as trees. */
import { BaseTracer, type Run } from "./tracer.js";

/**
 * Keeps every root run that finished, with its child runs, inputs, outputs, errors, times and
 * events (LangChain's `RunCollectorCallbackHandler`). Runs in progress are not listed; they
 * appear when their root ends. `clear()` lets the kept runs go.
 *
 * @example
 * ```ts
 * const collector = new RunCollectorCallbackHandler();
 * const chain = CallbackManager.configure([collector]).handleChainStart({ name: "Pipeline" }, { q: 1 });
 * chain.handleChainEnd({ a: 2 });
 * collector.tracedRuns[0].outputs; // { a: 2 }
 * ```
 */
export class RunCollectorCallbackHandler extends BaseTracer {
  name = "run-collector_callback_handler";
  /** Finished root runs, oldest first. */
  readonly tracedRuns: Run[] = [];


  protected override onTraceEnd(root: Run): void {
    this.tracedRuns.push(root);
  }

  /** Forgets every collected run. */
  clear(): void {
    this.tracedRuns.length = 0;
  }
}
