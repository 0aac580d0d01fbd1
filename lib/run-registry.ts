/**
 * The runs that have started and not yet ended, with their parent and trace (root run), and a
 * bounded memory of recently ended ids so that a second end can be named as such. Nothing here
 * grows with the number of finished runs.
 *
 * The parents kept here never form a cycle: a start that names itself, or one of its own
 * descendants, as parent is kept as a root. A start that reuses the id of a live run hides that
 * run until it ends (the run comes back then), as LangChain.js's tracers do.
 */
import { ChurnMap } from "./churn-map.js";
import { EndedRuns } from "./ended-runs.js";

/** The event the bus ends a run with when it ends the run itself (`endRun`, idle expiry). */
export type RunErrorEventName = "llmError" | "chainError" | "toolError" | "retrieverError";

/** The error event of each kind of run, by the event that starts it. */
export const ERROR_EVENT_OF: { readonly [startEvent: string]: RunErrorEventName } = {
  llmStart: "llmError",
  chatModelStart: "llmError",
  chainStart: "chainError",
  toolStart: "toolError",
  retrieverStart: "retrieverError",
};

/** What a start tells the registry. */
export interface RunStart {
  readonly parentRunId?: string;
  readonly tags?: string[];
  readonly metadata?: Record<string, unknown>;
}

export interface RunState {
  /** The parent the bus goes by: the given one, unless it would make a cycle. */
  parentRunId: string | undefined;
  /** The id of the root run of this run's tree: calls of one trace are ordered. */
  readonly traceId: string;
  readonly errorEvent: RunErrorEventName;
  readonly tags: string[] | undefined;
  readonly metadata: Record<string, unknown> | undefined;
  /** The bus clock's tick at this run's latest event (see idle expiry). */
  seen: number;
  /** The live run of the same id that this start hid; it is live again when this one ends. */
  readonly hidden: RunState | undefined;
}

export class RunRegistry {
  private readonly live = new ChurnMap<string, RunState>();
  private readonly ended = new EndedRuns();
  /** Runs the bus ended itself (endRun, expiry): their late events are dropped. */
  private readonly endedByBus = new EndedRuns();
  /** The last run looked up, and what was found: a run's events tend to come in a row (tokens). */
  private lastId: string | undefined;
  private lastState: RunState | undefined;

  /** `maxIdLength`: an ended id longer than this (never started) is not remembered. */
  constructor(private readonly maxIdLength: number) {}

  /** Number of runs started and not ended. */
  get size(): number {
    return this.live.size;
  }

  begin(runId: string, start: RunStart, errorEvent: RunErrorEventName, tick: number): RunState {
    const hidden = this.live.get(runId);
    let parentRunId = start.parentRunId;
    let traceId = runId;
    if (parentRunId !== undefined) {
      // The parent's trace is looked up once: the cycle check starts from it, and it is this run's.
      const parentTrace = this.traceOf(parentRunId, undefined);
      if (this.wouldCycle(runId, parentRunId, parentTrace, hidden !== undefined)) parentRunId = undefined;
      else traceId = parentTrace;
    }
    const state: RunState = { parentRunId, traceId, errorEvent, tags: start.tags, metadata: start.metadata, seen: tick, hidden };
    this.live.set(runId, state);
    // A run's next event, or its first child's start, looks it up.
    this.lastId = runId;
    this.lastState = state;
    return state;
  }

  get(runId: string): RunState | undefined {
    if (runId === this.lastId) return this.lastState;
    this.lastState = this.live.get(runId);
    this.lastId = runId;
    return this.lastState;
  }

  /** The trace a run belongs to: its root's id, or the best guess for a run callbus never saw start. */
  traceOf(runId: string, parentRunId: string | undefined): string {
    const state = this.get(runId);
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

  /** True when the bus ended `runId` itself (recently) and it has not started again. */
  wasEndedByBus(runId: string): boolean {
    return this.endedByBus.total !== 0 && !this.live.has(runId) && this.endedByBus.has(runId);
  }

  /** Remembers that the bus ended `runId` itself, once it is over. */
  markEndedByBus(runId: string): void {
    if (!this.live.has(runId)) this.endedByBus.add(runId);
  }

  /**
   * Ends the live run of that id. Returns false when a run it hid is live again (the id is
   * still running), else true: the run is over and remembered as ended.
   */
  end(runId: string): boolean {
    const state = this.get(runId);
    if (state?.hidden !== undefined) {
      this.restore(runId, state.hidden);
      return false;
    }
    if (state === undefined && runId.length > this.maxIdLength) return true;
    this.live.delete(runId);
    this.lastId = undefined;
    this.ended.add(runId);
    return true;
  }

  /** Forgets a live run whose start was refused, as if it never began. */
  forget(runId: string): void {
    const hidden = this.live.get(runId)?.hidden;
    if (hidden === undefined) this.live.delete(runId);
    else this.restore(runId, hidden);
    this.lastId = undefined;
  }

  /**
   * The live runs below `runId`, deepest first (the run itself not included), from an index of
   * children built once for a batch of calls (`childIndex()`).
   */
  descendants(runId: string, children: Map<string, string[]>): string[] {
    const found: { id: string; depth: number }[] = [];
    const stack: { id: string; depth: number }[] = [{ id: runId, depth: 0 }];
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      for (const child of children.get(item.id) ?? []) {
        const entry = { id: child, depth: item.depth + 1 };
        found.push(entry);
        stack.push(entry);
      }
    }
    // Stable: among runs of one depth, the later started ends first, as a stack unwinds.
    return found
      .reverse()
      .sort((a, b) => b.depth - a.depth)
      .map((entry) => entry.id);
  }

  /** Parent id -> the ids of its live children, in start order. */
  childIndex(): Map<string, string[]> {
    const children = new Map<string, string[]>();
    for (const [id, state] of this.live) {
      if (state.parentRunId === undefined) continue;
      const list = children.get(state.parentRunId);
      if (list === undefined) children.set(state.parentRunId, [id]);
      else list.push(id);
    }
    return children;
  }

  /**
   * The runs whose latest event, and their live descendants' latest events, are at or before
   * tick `idleSince`, keeping only the highest of each tree (ending them ends the rest).
   */
  idleTops(idleSince: number): string[] {
    const busy = new Set<string>();
    for (const [id, state] of this.live) {
      if (state.seen <= idleSince) continue;
      // A busy run keeps its ancestors busy; stop at one already marked.
      for (let up: string | undefined = id; up !== undefined && !busy.has(up); up = this.live.get(up)?.parentRunId) busy.add(up);
    }
    const tops: string[] = [];
    for (const [id, state] of this.live) {
      if (busy.has(id)) continue;
      const parent = state.parentRunId;
      if (parent === undefined || !this.live.has(parent) || busy.has(parent)) tops.push(id);
    }
    return tops;
  }

  /**
   * True when `parentRunId` is `runId` or lies below it. For an id that is not running, the only
   * way is to be the top of the parent's chain (a parent never seen to start): its trace id,
   * followed up through runs that started after their children. A live id (a reused one) is
   * looked for along the whole chain.
   */
  private wouldCycle(runId: string, parentRunId: string, parentTrace: string, isLive: boolean): boolean {
    if (isLive) {
      for (let up: string | undefined = parentRunId; up !== undefined; up = this.live.get(up)?.parentRunId) if (up === runId) return true;
      return false;
    }
    let top = parentTrace;
    for (let hops = 0; top !== runId; hops++) {
      const state = this.live.get(top);
      if (state === undefined || state.traceId === top || hops > this.live.size) return false;
      top = state.traceId;
    }
    return true;
  }

  /** Brings back a run a reused id hid, as a root if its parent now lies below it. */
  private restore(runId: string, hidden: RunState): void {
    this.live.set(runId, hidden);
    this.lastId = undefined;
    const parent = hidden.parentRunId;
    if (parent !== undefined && this.wouldCycle(runId, parent, hidden.traceId, true)) hidden.parentRunId = undefined;
  }
}
