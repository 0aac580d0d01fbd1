/**
 * The live runs one manager started itself (say, the root runs of one HTTP request), noted by a
 * small handler given to that manager, so that they can all be ended from outside at once
 * (`bus.endRun`, which ends their live descendants first).
 */
import type { CallbackBus } from "./bus.js";
import type { CallbackHandlerLike } from "./handler.js";

export class StartedRuns {
  private readonly live = new Set<string>();
  /** Give this to the manager as a local (not inheritable) handler: the runs below are reached through their roots. */
  readonly handler: CallbackHandlerLike;

  constructor() {
    // Every start method has the run id third, every end and error method second.
    const started = (_first: unknown, _second: unknown, runId: string): void => void this.live.add(runId);
    const ended = (_first: unknown, runId: string): void => void this.live.delete(runId);
    this.handler = {
      name: "callbus_started_runs",
      handleLLMStart: started,
      handleChatModelStart: started,
      handleChainStart: started,
      handleToolStart: started,
      handleRetrieverStart: started,
      handleLLMEnd: ended,
      handleLLMError: ended,
      handleChainEnd: ended,
      handleChainError: ended,
      handleToolEnd: ended,
      handleToolError: ended,
      handleRetrieverEnd: ended,
      handleRetrieverError: ended,
    };
  }

  /** Number of runs started and not ended. */
  get size(): number {
    return this.live.size;
  }

  /**
   * Ends every run still live on `bus`, each with `reasonOf(runId)`. Called from an event (a
   * socket's close) with nobody to throw to: an attached `raiseError` handler's failure was
   * already reported on `listenerError`, and is not thrown again here.
   */
  endAll(bus: CallbackBus, reasonOf: (runId: string) => Error): void {
    const runs = [...this.live];
    this.live.clear();
    for (const runId of runs) {
      try {
        bus.endRun(runId, reasonOf(runId));
      } catch {
        // Reported on listenerError by the bus.
      }
    }
  }
}
