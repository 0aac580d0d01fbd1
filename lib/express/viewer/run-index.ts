/**
 * The viewer's own memory of recent traces, fed by the bus: for each of the last `maxTraces`
 * root runs, its summary (kept up to date as the trace runs) and its event records, at most
 * `maxEventsPerTrace` of them. The oldest trace goes first when a new one would pass the
 * bound, so memory never grows with the number of finished runs.
 */
import type { CallbackEventName, RunEvent } from "../../index.js";
import { addUsage, recordEvent, type EventRecord } from "./event-record.js";
import type { RedactedKeys } from "../json-copy.js";
import { phaseOf, STARTS, type Phase } from "./phases.js";
import { buildTree } from "./trace-tree.js";
import type { RunSummary, TraceView } from "./types.js";

export interface RunIndexLimits {
  maxTraces: number;
  maxEventsPerTrace: number;
}

interface Trace {
  summary: RunSummary;
  records: EventRecord[];
  /** Every run of the trace, so its ids can be forgotten with it. */
  runIds: string[];
  /** Records not kept: streamed or in-between events past the bound. */
  dropped: number;
}

/** The records of `runId` and the runs below it (a parent always starts before its children). */
function subtree(records: readonly EventRecord[], runId: string): EventRecord[] {
  const below = new Set([runId]);
  for (const record of records) {
    if (record.parentRunId !== undefined && below.has(record.parentRunId) && phaseOf(record.event) === "start") below.add(record.runId);
  }
  return records.filter((record) => below.has(record.runId));
}

export class RunIndex {
  /** Root run id -> trace, oldest first (a Map keeps insertion order). */
  private readonly traces = new Map<string, Trace>();
  /** Any run id of a kept trace -> its root run id. */
  private readonly rootOf = new Map<string, string>();

  constructor(
    private readonly limits: RunIndexLimits,
    private readonly redact: RedactedKeys,
  ) {}

  /** Records one event heard on the bus at `time`. */
  add(event: CallbackEventName, payload: RunEvent, time: number): void {
    const { runId } = payload;
    const phase = phaseOf(event);
    let rootId = this.rootOf.get(runId);
    let trace = rootId === undefined ? undefined : this.traces.get(rootId);
    if (rootId === undefined && phase === "start") {
      const parentRoot = payload.parentRunId === undefined ? undefined : this.rootOf.get(payload.parentRunId);
      const parentTrace = parentRoot === undefined ? undefined : this.traces.get(parentRoot);
      // A run whose parent is not known here (a root, or a child of a trace already let go)
      // begins a trace of its own.
      const newRoot = parentTrace === undefined || parentRoot === undefined ? runId : parentRoot;
      rootId = newRoot;
      trace = parentTrace ?? this.begin(runId);
      this.rootOf.set(runId, newRoot);
      trace.runIds.push(runId);
    }
    // An event of a run this index never saw start.
    if (rootId === undefined || trace === undefined) return;
    const record = recordEvent(event, payload, time, this.redact);
    this.keep(trace, record, phase === "during");
    if (runId === rootId) this.updateRoot(trace.summary, record, phase);
    if (record.usage !== undefined) trace.summary.usage = addUsage(trace.summary.usage, record.usage);
  }

  /** Summaries of the kept traces, newest first. */
  summaries(limit: number): RunSummary[] {
    const all = [...this.traces.values()];
    const out: RunSummary[] = [];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) out.push(all[i].summary);
    return out;
  }

  /** The summary of root run `runId`, if this index keeps it. */
  summary(runId: string): RunSummary | undefined {
    return this.traces.get(runId)?.summary;
  }

  /** Whether `runId` is a root run this index keeps. */
  hasRoot(runId: string): boolean {
    return this.traces.has(runId);
  }

  /** The tree of `runId` (any run of a kept trace) and its descendants. */
  tree(runId: string): TraceView | undefined {
    const rootId = this.rootOf.get(runId);
    const trace = rootId === undefined ? undefined : this.traces.get(rootId);
    if (rootId === undefined || trace === undefined) return undefined;
    const root = buildTree(runId === rootId ? trace.records : subtree(trace.records, runId), runId);
    return root === undefined ? undefined : { ...root, source: "memory", droppedEvents: trace.dropped, gaps: 0 };
  }

  /** Whether the kept trace of `runId` lacks events (so a run log would show more). */
  isPartial(runId: string): boolean {
    const rootId = this.rootOf.get(runId);
    return rootId !== undefined && (this.traces.get(rootId)?.dropped ?? 0) > 0;
  }

  /** Number of traces kept (for tests of the bound). */
  get size(): number {
    return this.traces.size;
  }

  /** Number of run ids kept across traces (for tests of the bound). */
  get runCount(): number {
    return this.rootOf.size;
  }

  private begin(rootId: string): Trace {
    const old = this.traces.get(rootId);
    if (old !== undefined) this.forget(rootId, old); // a root id used again starts afresh
    const trace: Trace = {
      summary: { runId: rootId, name: "", kind: "chain", status: "running", startTime: 0, tags: [], metadata: {} },
      records: [],
      runIds: [],
      dropped: 0,
    };
    this.traces.set(rootId, trace);
    // The oldest go first; the new trace is the newest, so it stays.
    while (this.traces.size > this.limits.maxTraces) {
      const [oldestId, oldest] = this.traces.entries().next().value as [string, Trace];
      this.forget(oldestId, oldest);
    }
    return trace;
  }

  private forget(rootId: string, trace: Trace): void {
    this.traces.delete(rootId);
    for (const id of trace.runIds) if (this.rootOf.get(id) === rootId) this.rootOf.delete(id);
  }

  /**
   * Keeps a record within the bound: past it, in-between events (tokens, custom events) are
   * counted, not kept; starts and ends are kept up to twice the bound so the tree stays whole.
   */
  private keep(trace: Trace, record: EventRecord, during: boolean): void {
    const { maxEventsPerTrace } = this.limits;
    if (trace.records.length >= (during ? maxEventsPerTrace : 2 * maxEventsPerTrace)) {
      trace.dropped++;
      return;
    }
    trace.records.push(record);
  }

  private updateRoot(summary: RunSummary, record: EventRecord, phase: Phase): void {
    if (phase === "start") {
      summary.name = record.name ?? summary.name;
      summary.kind = STARTS[record.event]?.kind ?? summary.kind;
      summary.startTime = record.time;
      summary.tags = record.tags ?? [];
      summary.metadata = record.metadata ?? {};
    } else if (phase === "end") {
      summary.status = record.event.endsWith("Error") ? "error" : "success";
      summary.endTime = record.time;
    }
  }
}
