/**
 * The write side of RedisRunLog. `append` only queues (the run never waits for Redis); one
 * pipeline at a time carries everything queued since the last one. While Redis is down or
 * stalled the queue holds what comes, up to its bounds; past them the oldest entries are
 * dropped and their trace gets a gap marker in its stream, written before its next entry, so
 * readers see a `gap` where the loss is, never silence.
 */
import { EVENT_INFO, type CallbackEventName } from "../events.js";
import { pipelineOf, type RedisRunLogClient } from "./client.js";
import type { RedisKeys } from "./keys.js";

/** One event waiting to be written. */
interface Pending {
  readonly trace: TraceState;
  readonly event: CallbackEventName;
  readonly runId: string;
  readonly parentRunId: string;
  readonly data: string;
  /** The run this entry starts, when it is a start. */
  readonly starts: boolean;
  /** The root's end: the trace's keys get their expiry after it. */
  readonly endsTrace: boolean;
}

/** What the writer knows of a trace it writes. */
interface TraceState {
  readonly id: string;
  readonly stream: string;
  /** Child run ids (their index keys expire with the trace). */
  readonly children: string[];
  /** The id of the last entry Redis took for this trace. */
  lastId: string;
  /**
   * What the next entry must be preceded by: a marker that entries after `lastId` were dropped
   * (every reader that reaches it missed them), or that Redis lost the stream up to `lastId`
   * (only readers that had not read that far missed something).
   */
  lost: "dropped" | "reset" | undefined;
  ended: boolean;
}

export interface WriterLimits {
  readonly maxLenPerTrace: number;
  readonly retainMs: number;
  /** Most entries queued while Redis does not take them. */
  readonly maxQueued: number;
  /** Most bytes of JSON queued while Redis does not take them. */
  readonly maxQueuedBytes: number;
}

/** Most entries one pipeline carries. */
const BATCH = 1_000;
/** Live traces remembered at most (abandoned roots that never end must not pile up). */
const MAX_LIVE_TRACES = 100_000;
/** Root ids kept in the recent-roots index. */
const MAX_ROOTS = 10_000;

export class StreamWriter {
  private queue: Pending[] = [];
  private head = 0;
  private queuedBytes = 0;
  private readonly runs = new Map<string, TraceState>();
  private readonly traces = new Map<string, TraceState>();
  private scheduled = false;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  /** Entries dropped because the queue was full, over the writer's life. */
  dropped = 0;
  /** A check of the live traces' streams after a reconnect; nothing is written until it is done. */
  private recovering: Promise<void> | undefined;
  private wasReady: boolean;
  /**
   * Whether to send: from the client's 'ready' to its next 'error' or 'reconnecting'. (node-redis
   * reports `isReady` before its reconnect handshake is done, which would let a write in before
   * the check of what a restarted server lost.)
   */
  private up: boolean;
  private readonly onReady = () => {
    if (this.wasReady) {
      this.recovering ??= this.recover().finally(() => {
        this.recovering = undefined;
        this.schedule();
      });
    }
    this.wasReady = true;
    this.up = true;
    this.schedule();
  };
  private readonly onDown = () => {
    this.up = false;
  };

  constructor(
    private readonly client: RedisRunLogClient,
    private readonly keys: RedisKeys,
    private readonly limits: WriterLimits,
    private readonly onError: (error: unknown) => void,
  ) {
    this.wasReady = client.isReady;
    this.up = client.isReady;
    client.on("ready", this.onReady);
    client.on("error", this.onDown);
    client.on("reconnecting", this.onDown);
    client.on("end", this.onDown);
  }

  /** Entries waiting for Redis right now. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  append(event: CallbackEventName, runId: string, parentRunId: string | undefined, data: string): void {
    if (this.closed) return;
    const info = EVENT_INFO[event];
    const trace = this.runs.get(runId) ?? this.adopt(runId, parentRunId);
    const endsTrace = runId === trace.id && info?.phase === "end";
    this.queue.push({ trace, event, runId, parentRunId: parentRunId ?? "", data, starts: info?.phase === "start", endsTrace });
    this.queuedBytes += data.length;
    if (endsTrace) this.forget(trace);
    if (this.queued > this.limits.maxQueued || this.queuedBytes > this.limits.maxQueuedBytes) this.dropOldest();
    this.schedule();
  }

  /** Resolves once everything queued so far is written (or the writer gave up on Redis). */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.queued > 0 || this.inFlight !== undefined) {
      if (Date.now() > deadline) return false;
      if (this.inFlight !== undefined) await Promise.race([this.inFlight, sleep(20)]);
      else await sleep(5);
    }
    return true;
  }

  close(): void {
    this.closed = true;
    this.client.off("ready", this.onReady);
    this.client.off("error", this.onDown);
    this.client.off("reconnecting", this.onDown);
    this.client.off("end", this.onDown);
  }

  private adopt(runId: string, parentRunId: string | undefined): TraceState {
    const parent = parentRunId === undefined ? undefined : this.runs.get(parentRunId);
    let trace = parent;
    if (trace === undefined) {
      const oldest = this.traces.size >= MAX_LIVE_TRACES ? this.traces.values().next().value : undefined;
      if (oldest !== undefined) this.forget(oldest);
      trace = { id: runId, stream: this.keys.stream(runId), children: [], lastId: "0-0", lost: undefined, ended: false };
      this.traces.set(runId, trace);
    } else {
      trace.children.push(runId);
    }
    this.runs.set(runId, trace);
    return trace;
  }

  /** The trace ended (or is let go): later events of its runs start a trace of their own. */
  private forget(trace: TraceState): void {
    trace.ended = true;
    if (this.traces.get(trace.id) === trace) this.traces.delete(trace.id);
    if (this.runs.get(trace.id) === trace) this.runs.delete(trace.id);
    for (const child of trace.children) if (this.runs.get(child) === trace) this.runs.delete(child);
  }

  private dropOldest(): void {
    while (this.queued > 0 && (this.queued > this.limits.maxQueued || this.queuedBytes > this.limits.maxQueuedBytes)) {
      const oldest = this.queue[this.head];
      this.queue[this.head++] = undefined as never;
      this.queuedBytes -= oldest.data.length;
      oldest.trace.lost = "dropped";
      this.dropped++;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    // Everything appended in this turn of the event loop goes in one pipeline.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight !== undefined || this.recovering !== undefined || this.queued === 0 || !this.up) return;
    const end = Math.min(this.queue.length, this.head + BATCH);
    const batch = this.queue.slice(this.head, end);
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    for (const entry of batch) this.queuedBytes -= entry.data.length;
    this.inFlight = this.write(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queued > 0) this.schedule();
    });
  }

  /**
   * After a reconnect: a live trace whose stream is gone (a restarted server without
   * persistence) lost what was written; its next entry is preceded by a gap marker, and its
   * children's index keys are set again.
   */
  private async recover(): Promise<void> {
    // Live traces, and ended ones whose last entries still wait in the queue.
    const candidates = new Set(this.traces.values());
    for (let i = this.head; i < this.queue.length; i++) candidates.add(this.queue[i].trace);
    const live = [...candidates].filter((trace) => trace.lastId !== "0-0");
    if (live.length === 0) return;
    try {
      const pipeline = pipelineOf(this.client);
      for (const trace of live) pipeline.addCommand(["EXISTS", trace.stream]);
      const replies = await pipeline.execAsPipeline();
      const restore = pipelineOf(this.client);
      let restoring = false;
      live.forEach((trace, i) => {
        if (replies[i] !== 0) return;
        trace.lost ??= "reset";
        for (const child of trace.children) {
          restore.addCommand(["SET", this.keys.run(child), trace.id]);
          restoring = true;
        }
      });
      if (restoring) await restore.execAsPipeline();
    } catch (error) {
      this.onError(error);
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    const pipeline = pipelineOf(this.client);
    const { maxLenPerTrace, retainMs } = this.limits;
    const trim = ["MAXLEN", "~", String(maxLenPerTrace)];
    /** Which reply of the pipeline is the XADD id of which trace. */
    const adds: TraceState[] = [];
    const add = (trace: TraceState, args: string[]) => {
      pipeline.addCommand(args);
      adds.push(trace);
    };
    const other = (args: string[]) => {
      pipeline.addCommand(args);
      adds.push(undefined as never);
    };
    const marked = new Set<TraceState>();
    for (const entry of batch) {
      const { trace } = entry;
      if (trace.lost !== undefined && !marked.has(trace)) {
        // The marker names the last entry Redis took before the loss.
        add(trace, ["XADD", trace.stream, ...trim, "*", "e", "gap", "k", trace.lost, "a", trace.lastId]);
        marked.add(trace);
      }
      add(trace, ["XADD", trace.stream, ...trim, "*", "e", entry.event, "r", entry.runId, "p", entry.parentRunId, "d", entry.data]);
      if (entry.starts) {
        if (entry.runId === trace.id) {
          other(["ZADD", this.keys.roots, String(Date.now()), trace.id]);
          other(["ZREMRANGEBYRANK", this.keys.roots, "0", String(-MAX_ROOTS - 1)]);
        } else {
          other(["SET", this.keys.run(entry.runId), trace.id]);
        }
      }
      if (entry.endsTrace) {
        other(["PEXPIRE", trace.stream, String(retainMs)]);
        for (const child of trace.children) other(["PEXPIRE", this.keys.run(child), String(retainMs)]);
      }
    }
    let replies: unknown[];
    try {
      replies = await pipeline.execAsPipeline();
    } catch (error) {
      // Not known to be written: queue the batch again, first (written at least once).
      this.queue.splice(this.head, 0, ...batch);
      for (const entry of batch) this.queuedBytes += entry.data.length;
      if (this.queued > this.limits.maxQueued || this.queuedBytes > this.limits.maxQueuedBytes) this.dropOldest();
      this.onError(error);
      if (this.client.isReady) await sleep(50);
      return;
    }
    for (const trace of marked) trace.lost = undefined;
    replies.forEach((reply, i) => {
      const trace = adds[i];
      if (trace !== undefined && typeof reply === "string") trace.lastId = reply;
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
