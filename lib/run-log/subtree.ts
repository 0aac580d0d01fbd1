/**
 * Which entries of a trace belong to one run and the runs below it. A trace's entries come in
 * the order they were emitted, and every event names its parent, so one pass that grows the set
 * of the run's known descendants decides each entry in O(1).
 */
import { EVENT_INFO, type CallbackEventName } from "../events.js";

/** The fields of an entry the filter looks at. */
export interface RunRef {
  readonly runId: string;
  readonly parentRunId?: string | undefined;
}

export class Subtree {
  /** The runs known to be in the subtree; undefined when the run is the trace's root (all are). */
  private readonly members: Set<string> | undefined;

  constructor(
    readonly runId: string,
    /** True when `runId` is the root of its trace: every entry of the trace is in. */
    whole: boolean,
  ) {
    this.members = whole ? undefined : new Set([runId]);
  }

  /** Whether the entry belongs to the run or a run below it (call in trace order). */
  has(entry: RunRef): boolean {
    return this.hasRun(entry.runId, entry.parentRunId);
  }

  /** `has` for an entry given by its run and parent run ids. */
  hasRun(runId: string, parentRunId: string | undefined): boolean {
    const members = this.members;
    if (members === undefined || members.has(runId)) return true;
    if (parentRunId !== undefined && members.has(parentRunId)) {
      members.add(runId);
      return true;
    }
    return false;
  }

  /** Whether the entry is the end (or error) of the run itself: the last entry a reader needs. */
  ends(event: string, entry: RunRef): boolean {
    return this.endsRun(event, entry.runId);
  }

  /** `ends` for an entry given by its run id. */
  endsRun(event: string, runId: string): boolean {
    return runId === this.runId && EVENT_INFO[event as CallbackEventName]?.phase === "end";
  }
}
