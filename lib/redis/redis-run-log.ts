/**
 * RedisRunLog: a RunLog on Redis Streams, shared by every instance of a service. One stream per
 * trace (`<prefix>:{<traceId>}:events`), its entry ids the log's ids; a child run's index key
 * names its trace; `MAXLEN ~` trims long traces and the keys expire `retainMs` after the root
 * ends. Writes are queued and pipelined (the run never waits for Redis); live reads share one
 * blocking connection per instance. Nothing here runs KEYS or SCAN.
 */
import { createClient, ErrorReply } from "redis";
import type { CallbackEventName, RunEvent } from "../events.js";
import { assertRunId } from "../errors.js";
import { eventJson } from "../run-log/json.js";
import { Subtree } from "../run-log/subtree.js";
import { gapEntry } from "../run-log/entries.js";
import type { RunLog, RunLogEntry, RunLogReadOptions } from "../run-log/run-log.js";
import { assertClient, pairsOf, pipelineOf, type RedisRunLogClient } from "./client.js";
import { StreamFollower, parseRecord, type StreamEntry } from "./follower.js";
import { checkId, compareIds } from "./ids.js";
import { RedisKeys } from "./keys.js";
import { StreamWriter } from "./writer.js";

/** Options of `new RedisRunLog()`. */
export interface RedisRunLogOptions {
  /**
   * A node-redis client (`createClient({ url })`) to take the connection settings from: the log
   * opens its own connections like it (`duplicate()`), so the client stays yours, untouched.
   */
  client?: RedisRunLogClient;
  /** Where to connect when no `client` is given (default node-redis's, redis://localhost:6379); the log closes it. */
  url?: string;
  /** The first part of every key. Default `"callbus"`. */
  prefix?: string;
  /** Entries kept per trace, about (`MAXLEN ~`). Default 100 000. */
  maxLenPerTrace?: number;
  /** How long a trace stays after its root ended, in ms. Default 3 600 000 (an hour). */
  retainMs?: number;
  /** Most events queued while Redis is down or slow; past it the oldest go and readers get a gap. Default 100 000. */
  maxQueued?: number;
  /** Most bytes of JSON queued while Redis is down or slow. Default 64 MiB. */
  maxQueuedBytes?: number;
  /** Told of Redis errors (connection lost, a failed write); the log retries by itself. Default: `console.warn`, once per outage. */
  onError?: (error: unknown) => void;
}

/** What a read command gives when the reader stopped while Redis was unreachable. */
const STOPPED: unique symbol = Symbol("stopped");

/** How often a reader of a run that has not started anywhere asks again. */
const START_POLL_MS = 50;
/** Entries per XRANGE page when catching up. */
const PAGE = 500;

/**
 * A run log in Redis Streams: run on instance A, stream it over SSE from instance B.
 *
 * @example
 * ```ts
 * import { CallbackBus } from "callbus";
 * import { RedisRunLog } from "callbus/redis";
 * const bus = new CallbackBus({ log: new RedisRunLog({ url: process.env.REDIS_URL }) });
 * ```
 */
export class RedisRunLog implements RunLog {
  readonly prefix: string;
  readonly maxLenPerTrace: number;
  readonly retainMs: number;
  private readonly client: RedisRunLogClient;
  private readonly connected: Promise<unknown>;
  private readonly keys: RedisKeys;
  private readonly writer: StreamWriter;
  private readonly follower: StreamFollower;
  private closed = false;

  constructor(options: RedisRunLogOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`callbus: new RedisRunLog() takes an options object like { url, prefix }, got ${options === null ? "null" : typeof options}`);
    }
    this.prefix = options.prefix ?? "callbus";
    if (typeof this.prefix !== "string" || this.prefix === "" || /[{}\s]/.test(this.prefix)) {
      throw new TypeError(`callbus: new RedisRunLog() needs \`prefix\` as a non-empty string without braces or spaces, got ${JSON.stringify(options.prefix)}`);
    }
    this.maxLenPerTrace = wholeNumber(options.maxLenPerTrace, 100_000, "maxLenPerTrace");
    this.retainMs = wholeNumber(options.retainMs, 3_600_000, "retainMs");
    const onError = options.onError ?? warnOncePerOutage();
    // No offline queue: a write node-redis could not send is handed back to the log (which
    // bounds it and knows what a restarted server lost), never replayed behind its back.
    let client: RedisRunLogClient;
    if (options.client !== undefined) {
      assertClient(options.client);
      client = options.client.duplicate({ disableOfflineQueue: true }) as RedisRunLogClient;
    } else {
      if (options.url !== undefined && typeof options.url !== "string") throw new TypeError(`callbus: new RedisRunLog() needs \`url\` as a string like redis://127.0.0.1:6379, got ${String(options.url)}`);
      client = createClient({ ...(options.url === undefined ? {} : { url: options.url }), disableOfflineQueue: true });
    }
    client.on("error", (error: unknown) => onError(error));
    this.client = client;
    this.connected = client.connect().catch((error: unknown) => onError(error));
    this.keys = new RedisKeys(this.prefix);
    this.writer = new StreamWriter(
      this.client,
      this.keys,
      {
        maxLenPerTrace: this.maxLenPerTrace,
        retainMs: this.retainMs,
        maxQueued: wholeNumber(options.maxQueued, 100_000, "maxQueued"),
        maxQueuedBytes: wholeNumber(options.maxQueuedBytes, 64 * 1024 * 1024, "maxQueuedBytes"),
      },
      onError,
    );
    this.follower = new StreamFollower(this.client, onError);
  }

  /** Events waiting to be written to Redis right now. */
  get queued(): number {
    return this.writer.queued;
  }

  /** Events dropped so far because Redis did not take them in time (their traces got a gap marker). */
  get dropped(): number {
    return this.writer.dropped;
  }

  /** Traces this instance follows live right now (all on one connection). */
  get followedTraces(): number {
    return this.follower.followed;
  }

  append(event: CallbackEventName, payload: RunEvent): void {
    if (this.closed) return;
    this.writer.append(event, payload.runId, payload.parentRunId, eventJson(payload));
  }

  /** Checks its arguments at once (a bad id throws here, not at the first read). */
  read(runId: string, options: RunLogReadOptions = {}): AsyncIterable<RunLogEntry> {
    assertRunId(runId, "RedisRunLog.read()");
    const { follow = true, signal } = options;
    return this.entries(runId, options.after === undefined ? undefined : checkId(options.after), follow, signal);
  }

  private async *entries(runId: string, after: string | undefined, follow: boolean, signal: AbortSignal | undefined): AsyncGenerator<RunLogEntry> {
    await this.connected;
    let traceId = await this.retrying(() => this.traceOf(runId), signal);
    while (traceId === undefined) {
      if (!follow || this.closed || signal?.aborted === true) return;
      await sleep(START_POLL_MS, signal);
      traceId = await this.retrying(() => this.traceOf(runId), signal);
    }
    if (traceId === STOPPED) return;
    const key = this.keys.stream(traceId);
    const whole = traceId === runId;
    const subtree = new Subtree(runId, whole);
    /** The last id the reader was given (or asked to read after). */
    let cursor = after ?? "0-0";
    /** The last id read from the stream: a subtree reader reads from the start to learn its runs. */
    let scanned = whole ? cursor : "0-0";
    if (whole && after !== undefined) {
      const ended = await this.retrying(() => this.endedBy(key, runId, after), signal);
      if (ended !== false) return;
    }

    /** What one stream entry gives the reader; true when the read is over. */
    function* take(record: StreamEntry): Generator<RunLogEntry, boolean> {
      scanned = record.id;
      if (record.kind !== "event") {
        const missed = record.kind === "dropped" || compareIds(cursor, record.after) < 0;
        if (compareIds(record.id, cursor) > 0) {
          if (missed) yield gapEntry(runId, cursor, record.id);
          cursor = record.id;
        }
        return false;
      }
      if (!subtree.has(record)) return false;
      if (compareIds(record.id, cursor) > 0) {
        cursor = record.id;
        yield record.entry;
      }
      return subtree.ends(record.entry.event, record);
    }

    for (;;) {
      // Catch up from Redis, a page at a time.
      const kept = await this.retrying(() => this.oldestKept(key), signal);
      if (kept === STOPPED) return;
      if (kept === undefined) return; // The stream expired.
      if (kept.trimmed && compareIds(cursor, kept.first) < 0) yield gapEntry(runId, cursor, kept.first);
      for (;;) {
        const page = await this.retrying(() => this.client.sendCommand(["XRANGE", key, `(${scanned}`, "+", "COUNT", String(PAGE)]) as Promise<unknown[]>, signal);
        if (page === STOPPED) return;
        for (const raw of page) if (yield* take(parseRecord(raw))) return;
        if (page.length < PAGE || signal?.aborted === true) break;
      }
      if (!follow || signal?.aborted === true || this.closed) return;
      // Then live, on the shared connection, until the run ends or this reader falls behind.
      const sub = this.follower.follow(key, scanned);
      try {
        while (!sub.behind) {
          const entries = await sub.next(signal);
          for (const record of entries) if (yield* take(record)) return;
          if (sub.closed || isAborted(signal)) return;
        }
      } finally {
        this.follower.unfollow(sub);
      }
    }
  }

  async has(runId: string): Promise<boolean> {
    await this.connected;
    return (await this.traceOf(runId)) !== undefined;
  }

  async recentRoots(limit: number): Promise<string[]> {
    await this.connected;
    return (await this.client.sendCommand(["ZRANGE", this.keys.roots, "0", String(limit - 1), "REV"])) as string[];
  }

  /** Resolves once every event appended so far is in Redis, or after `timeoutMs` (false then). */
  flush(timeoutMs = 5_000): Promise<boolean> {
    return this.writer.drain(timeoutMs);
  }

  /** Writes what is queued (up to 2 s), stops following, and closes the log's connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.writer.drain(2_000);
    this.closed = true;
    this.writer.close();
    await this.follower.close();
    if (!this.client.isOpen) return;
    // A stalled server never answers the graceful close: give it a second, then cut.
    const closed = await Promise.race([this.client.close().then(() => true, () => false), new Promise<false>((resolve) => setTimeout(() => resolve(false), 1_000).unref())]);
    if (!closed && this.client.isOpen) this.client.destroy();
  }

  /**
   * Runs one command of a read; while Redis cannot be reached (a restart, a dropped
   * connection), tries again every 100 ms until it answers or the reader stops. An error
   * Redis itself answers is thrown.
   */
  private async retrying<T>(command: () => Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof STOPPED> {
    for (;;) {
      try {
        return await command();
      } catch (error) {
        if (error instanceof ErrorReply || this.closed) throw error;
        if (isAborted(signal)) return STOPPED;
        await sleep(100, signal);
        if (isAborted(signal) || this.closed) return STOPPED;
      }
    }
  }

  /** The root id of the trace `runId` belongs to, if Redis has it. */
  private async traceOf(runId: string): Promise<string | undefined> {
    const [exists, root] = await pipelineOf(this.client)
      .addCommand(["EXISTS", this.keys.stream(runId)])
      .addCommand(["GET", this.keys.run(runId)])
      .execAsPipeline();
    if (exists === 1) return runId;
    return typeof root === "string" ? root : undefined;
  }

  /**
   * The oldest id kept, and whether entries were trimmed before it (more were added than are
   * kept); undefined when the stream is gone. Redis does not record the last id `MAXLEN`
   * trimmed, so a reader whose last id is older than the oldest kept gets a gap.
   */
  private async oldestKept(key: string): Promise<{ first: string; trimmed: boolean } | undefined> {
    let info: unknown;
    try {
      info = await this.client.sendCommand(["XINFO", "STREAM", key]);
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return undefined;
      throw error;
    }
    const fields = new Map(pairsOf(info, true));
    const first = fields.get("first-entry") as [string, unknown] | null | undefined;
    return {
      first: first?.[0] ?? idText(fields.get("last-generated-id")),
      trimmed: Number(fields.get("entries-added") ?? 0) > Number(fields.get("length") ?? 0),
    };
  }

  /** Whether the root's end is in the stream at or before `after` (a resumed reader has it all). */
  private async endedBy(key: string, runId: string, after: string): Promise<boolean> {
    const last = (await this.client.sendCommand(["XREVRANGE", key, "+", "-", "COUNT", "16"])) as unknown[];
    return last.map(parseRecord).some((record) => record.kind === "event" && record.runId === runId && compareIds(record.id, after) <= 0 && new Subtree(runId, true).ends(record.entry.event, record));
  }
}

function wholeNumber(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`callbus: new RedisRunLog() needs \`${name}\` as a whole number >= 1, got ${String(value)}`);
  }
  return value;
}

/** The default error report: one warning when Redis starts failing, not one per retry. */
function warnOncePerOutage(): (error: unknown) => void {
  let last = 0;
  return (error) => {
    const now = Date.now();
    if (now - last > 30_000) console.warn(`callbus: RedisRunLog: ${error instanceof Error ? error.message : String(error)} (retrying; further errors for 30 s are not shown)`);
    last = now;
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Read through a call, so a check made before an await is not taken as still true after it. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** A stream id from an XINFO reply (a string, or a Buffer with some clients); "0-0" when absent. */
function idText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString();
  return "0-0";
}
