/**
 * The runs that have started and not yet ended, with their parent and trace (root run), and a
 * bounded memory of recently ended ids so that a second end can be named as such. Nothing here
 * grows with the number of finished runs.
 */
import { EndedRuns } from "./ended-runs.js";

export interface RunState {
  readonly parentRunId: string | undefined;
  /** The id of the root run of this run's tree: calls of one trace are ordered. */
  readonly traceId: string;
}

export class RunRegistry {
  private readonly live = new Map<string, RunState>();
  private readonly ended = new EndedRuns();

  /** Number of runs started and not ended. */
  get size(): number {
    return this.live.size;
  }

  begin(runId: string, parentRunId: string | undefined): RunState {
    const state: RunState = { parentRunId, traceId: this.traceOf(parentRunId ?? runId, undefined) };
    this.live.set(runId, state);
    return state;
  }

  get(runId: string): RunState | undefined {
    return this.live.get(runId);
  }

  /** The trace a run belongs to: its root's id, or the best guess for a run callbus never saw start. */
  traceOf(runId: string, parentRunId: string | undefined): string {
    const state = this.live.get(runId);
    if (state !== undefined) return state.traceId;
    return parentRunId === undefined ? runId : this.traceOf(parentRunId, undefined);
  }

  parentOf(runId: string): string | undefined {
    return this.live.get(runId)?.parentRunId;
  }

  /** True when `runId` is not running and is among the last ENDED_MEMORY ended runs. */
  hasEnded(runId: string): boolean {
    return !this.live.has(runId) && this.ended.has(runId);
  }

  /** Forgets a live run and remembers that it ended. */
  end(runId: string): void {
    this.live.delete(runId);
    this.ended.add(runId);
  }

  /** Forgets a run whose start was refused, as if it never began. */
  forget(runId: string): void {
    this.live.delete(runId);
  }
}
