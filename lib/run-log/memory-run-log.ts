/**
 * The embedded run log: every event of every trace kept in this process as the JSON it was
 * serialised to once, readable from any point and then live. Serialising is the one real cost
 * of keeping an event, so the run does not pay it: `append` keeps the payload and serialises
 * everything appended in a turn of the event loop right after it (or at once, when a reader
 * gets there first). Entries are kept as columns of their trace (memory-trace.ts), not as one
 * object each, so the garbage collector, whose pauses the run shares, has little to trace. Bounded three ways: ended traces go `retainMs` after their end, the oldest
 * traces go first past `maxTraces` or `maxBytes`, and a single trace larger than `maxBytes`
 * loses its oldest entries (its readers get a `gap`). Ids are `<ms>-<seq>` like Redis Stream ids:
 * the time of the append, then a sequence within that ms, so they grow within a trace and say
 * when each event happened.
 */
import { EVENT_INFO, type CallbackEventName, type RunEvent } from "../events.js";
import { assertRunId } from "../errors.js";
import { Subtree } from "./subtree.js";
import { LoggedEvent, WakeList, Waiter, gapEntry } from "./entries.js";
import { MemoryTrace } from "./memory-trace.js";
import { parseTimedId } from "./timed-ids.js";
import type { RunLog, RunLogEntry, RunLogReadOptions } from "./run-log.js";

/** Options of `new MemoryRunLog()`. */
export interface MemoryRunLogOptions {
  /** How long an ended trace stays readable, in ms. Default 300 000 (5 minutes). */
  retainMs?: number;
  /** Most traces kept; past it the oldest goes first. Default 1 000. */
  maxTraces?: number;
  /** Most bytes of JSON kept over all traces; past it the oldest traces go first. Default 64 MiB. */
  maxBytes?: number;
}

/**
 * A `RunLog` in memory: what a single-instance service needs so that an SSE client that
 * connects late, or comes back, gets the whole run.
 *
 * @example
 * ```ts
 * import { CallbackBus, MemoryRunLog } from "callbus";
 * const bus = new CallbackBus({ log: new MemoryRunLog({ retainMs: 60_000 }) });
 * ```
 */
export class MemoryRunLog implements RunLog {
  readonly retainMs: number;
  readonly maxTraces: number;
  readonly maxBytes: number;
  /** Traces by root id, oldest first (a Map keeps insertion order). */
  private readonly traces = new Map<string, MemoryTrace>();
  /** Every run id of every kept trace -> its trace. */
  private readonly runs = new Map<string, MemoryTrace>();
  /** Ended traces in end order, for retention. */
  private ended: MemoryTrace[] = [];
  private expiry: ReturnType<typeof setTimeout> | undefined;
  /** Readers of runs the log has not seen yet. */
  private readonly unseen = new WakeList();
  private totalBytes = 0;
  private closed = false;
  /** Traces with entries appended and not yet serialised, in the order they were first appended to. */
  private unserialised: MemoryTrace[] = [];
  private readonly serialiseSoon = () => this.serialisePending();

  constructor(options: MemoryRunLogOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`callbus: new MemoryRunLog() takes an options object like { retainMs, maxTraces, maxBytes }, got ${options === null ? "null" : typeof options}`);
    }
    this.retainMs = wholeNumber(options.retainMs, 300_000, "retainMs", 0);
    this.maxTraces = wholeNumber(options.maxTraces, 1_000, "maxTraces", 1);
    this.maxBytes = wholeNumber(options.maxBytes, 64 * 1024 * 1024, "maxBytes", 1);
  }

  /** Bytes of JSON (and bookkeeping) kept right now. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Traces kept right now. */
  get traceCount(): number {
    return this.traces.size;
  }

  append(event: CallbackEventName, payload: RunEvent): void {
    if (this.closed) return;
    const { runId, parentRunId } = payload;
    const trace = this.runs.get(runId) ?? this.adopt(runId, parentRunId);
    trace.push(event, runId, parentRunId, payload, Date.now());
    if (trace.pendingFrom === trace.nextId - 1 && this.unserialised.push(trace) === 1) setImmediate(this.serialiseSoon);
    if (runId === trace.id && trace.endedAt === 0 && EVENT_INFO[event]?.phase === "end") this.rootEnded(trace);
    if (trace.waiters.size !== 0) trace.waiters.wakeAll();
  }

  /** Serialises every entry appended since the last time, then enforces `maxBytes`. */
  private serialisePending(): void {
    const pending = this.unserialised;
    this.unserialised = [];
    for (const trace of pending) {
      if (trace.gone) continue;
      this.totalBytes += trace.serialisePending();
    }
    if (this.totalBytes > this.maxBytes) this.shrink(pending[pending.length - 1]);
  }

  /** Entry `i` of `trace` as readers get it, serialised now if it was not yet. */
  private view(trace: MemoryTrace, i: number): LoggedEvent {
    let view = trace.viewAt(i);
    if (view === undefined) {
      const { data, added } = trace.jsonAt(i);
      this.totalBytes += added;
      view = new LoggedEvent(trace.idAt(i), trace.eventAt(i), data);
      trace.setView(i, view);
    }
    return view;
  }

  /** Checks its arguments at once (a bad id throws here, not at the first read). */
  read(runId: string, options: RunLogReadOptions = {}): AsyncIterable<RunLogEntry> {
    assertRunId(runId, "MemoryRunLog.read()");
    const { after, follow = true, signal } = options;
    return this.entries(runId, after === undefined ? undefined : parseId(after), after, follow, signal);
  }

  private async *entries(
    runId: string,
    afterId: { ms: number; seq: number } | undefined,
    after: string | undefined,
    follow: boolean,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<RunLogEntry> {
    const waiter = new Waiter(signal);
    try {
      let trace = this.runs.get(runId);
      while (trace === undefined) {
        if (!follow || this.closed || signal?.aborted === true) return;
        await waiter.wait(this.unseen);
        trace = this.runs.get(runId);
      }
      const subtree = new Subtree(runId, runId === trace.id);
      // Positions count entries of the trace from 1 (trimmed ones too); `last` is the position of
      // the last entry this reader has had, `lastId` its id.
      const from = afterId === undefined ? 0 : trace.positionOf(afterId.ms, afterId.seq);
      // A whole-trace reader starts at its cursor; a subtree reader scans from the oldest entry
      // kept, to learn which runs are below its run.
      let next = runId === trace.id ? Math.max(from, trace.dropped) + 1 : trace.dropped + 1;
      let last = from;
      let lastId = after ?? "0";
      if (from < trace.dropped) {
        yield gapEntry(runId, lastId, trace.idAt(0));
        last = trace.dropped;
      }
      for (;;) {
        while (next < trace.nextId) {
          if (next <= trace.dropped) {
            // Trimmed while this reader was behind (or let go altogether: nothing left to read).
            if (trace.length === 0) return;
            if (last < trace.dropped) yield gapEntry(runId, lastId, trace.idAt(0));
            next = trace.dropped + 1;
            last = trace.dropped;
            continue;
          }
          const position = next++;
          const i = position - trace.dropped - 1;
          const entryRunId = trace.runIdAt(i);
          if (!subtree.hasRun(entryRunId, trace.parentAt(i))) continue;
          if (position > last) {
            last = position;
            const entry = this.view(trace, i);
            lastId = entry.id;
            yield entry;
          }
          if (subtree.endsRun(trace.eventAt(i), entryRunId)) return;
        }
        if (!follow || trace.gone || signal?.aborted === true) return;
        if (trace.endedAt !== 0 && runId === trace.id) return;
        await waiter.wait(trace.waiters);
      }
    } finally {
      waiter.dispose();
    }
  }

  has(runId: string): Promise<boolean> {
    return Promise.resolve(this.runs.has(runId));
  }

  recentRoots(limit: number): Promise<string[]> {
    const ids = [...this.traces.keys()];
    return Promise.resolve(ids.slice(Math.max(0, ids.length - limit)).reverse());
  }

  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.expiry);
    for (const trace of [...this.traces.values()]) this.drop(trace);
    this.ended = [];
    this.unseen.wakeAll();
    return Promise.resolve();
  }

  /** The trace of a run seen for the first time: its parent's, else a new one with it as root. */
  private adopt(runId: string, parentRunId: string | undefined): MemoryTrace {
    let trace = parentRunId === undefined ? undefined : this.runs.get(parentRunId);
    if (trace === undefined) {
      // A root id used again after its trace ended starts a new trace.
      const old = this.traces.get(runId);
      if (old !== undefined) this.drop(old);
      const oldest = this.traces.size >= this.maxTraces ? this.traces.values().next().value : undefined;
      if (oldest !== undefined) this.drop(oldest);
      trace = new MemoryTrace(runId, new WakeList());
      this.traces.set(runId, trace);
    }
    this.runs.set(runId, trace);
    trace.runs.push(runId);
    this.unseen.wakeAll();
    return trace;
  }

  private rootEnded(trace: MemoryTrace): void {
    trace.endedAt = Date.now();
    // Traces evicted before they expired wait here as empty shells; sweep them now and then.
    if (this.ended.length >= 2 * this.maxTraces) this.ended = this.ended.filter((t) => !t.gone);
    this.ended.push(trace);
    if (this.expiry === undefined) this.armExpiry();
  }

  /** One timer, for the trace that ended first. */
  private armExpiry(): void {
    this.expiry = undefined;
    const now = Date.now();
    let expired = 0;
    while (expired < this.ended.length && (this.ended[expired].gone || this.ended[expired].endedAt + this.retainMs <= now)) {
      this.drop(this.ended[expired++]);
    }
    if (expired !== 0) this.ended = this.ended.slice(expired);
    const first = this.ended[0];
    if (first === undefined) return;
    this.expiry = setTimeout(() => this.armExpiry(), first.endedAt + this.retainMs - now);
    this.expiry.unref();
  }

  /** Back under `maxBytes`: oldest traces first, then the oldest entries of `current` itself. */
  private shrink(current: MemoryTrace | undefined): void {
    for (const trace of this.traces.values()) {
      if (this.totalBytes <= this.maxBytes) return;
      if (trace !== current) this.drop(trace);
    }
    if (current === undefined || current.gone || this.totalBytes <= this.maxBytes) return;
    // The trace being written is alone over the bound: trim its oldest quarter at a time.
    this.totalBytes -= current.trim(this.totalBytes - this.maxBytes * 0.75);
  }

  private drop(trace: MemoryTrace): void {
    if (trace.gone) return;
    trace.gone = true;
    if (this.traces.get(trace.id) === trace) this.traces.delete(trace.id);
    for (const runId of trace.runs) if (this.runs.get(runId) === trace) this.runs.delete(runId);
    trace.runs.length = 0;
    this.totalBytes -= trace.bytes;
    trace.clear();
    trace.waiters.wakeAll();
  }

}

/** A MemoryRunLog id (`<ms>-<seq>`, or a bare `<ms>` as `<ms>-0`), or a TypeError naming the bad one. */
function parseId(id: string): { ms: number; seq: number } {
  const parsed = parseTimedId(id);
  if (parsed !== undefined) return parsed;
  throw new TypeError(`callbus: MemoryRunLog ids are like 1700000000000-0 (ms-sequence), got ${JSON.stringify(id)}`);
}

function wholeNumber(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new TypeError(`callbus: new MemoryRunLog() needs \`${name}\` as a whole number >= ${min}, got ${String(value)}`);
  }
  return value;
}
