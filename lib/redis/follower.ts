/**
 * The read side's live half: ONE blocking connection per RedisRunLog serves every trace any of
 * its readers follows. It loops on `XREAD BLOCK` over all followed streams; a reader that starts
 * following a new stream interrupts the block (`CLIENT UNBLOCK`) so the next XREAD includes it.
 * Each reader gets entries through a bounded inbox; a reader whose inbox overflows is told it
 * is behind and catches up with XRANGE on its own, so a slow reader costs no unbounded memory.
 */
import { LoggedEvent } from "../run-log/entries.js";
import type { CallbackEventName } from "../events.js";
import { pairsOf, type RedisRunLogClient } from "./client.js";
import { compareIds } from "./ids.js";

/** One stream entry as the log wrote it: an event, or a marker of entries lost before it. */
export type StreamEntry =
  | { readonly id: string; readonly kind: "event"; readonly runId: string; readonly parentRunId: string | undefined; readonly entry: LoggedEvent }
  /** Entries after `after` were dropped before they reached Redis: whoever reads this missed them. */
  | { readonly id: string; readonly kind: "dropped"; readonly after: string }
  /** Redis lost the stream up to `after` (a restart without persistence): readers behind `after` missed entries. */
  | { readonly id: string; readonly kind: "reset"; readonly after: string };

/** Parses one raw stream record `[id, [field, value, ...]]`. */
export function parseRecord(record: unknown): StreamEntry {
  const [id, fields] = record as [string, string[]];
  const values: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) values[fields[i]] = fields[i + 1];
  if (values.e === "gap") return { id, kind: values.k === "reset" ? "reset" : "dropped", after: values.a ?? "0-0" };
  return {
    id,
    kind: "event",
    runId: values.r ?? "",
    parentRunId: values.p === "" || values.p === undefined ? undefined : values.p,
    entry: new LoggedEvent(id, values.e as CallbackEventName, values.d ?? "null"),
  };
}

/** Most entries held for one reader that does not take them. */
const MAX_INBOX = 10_000;
/** How long one XREAD blocks at most (a fallback: new streams interrupt it anyway). */
const BLOCK_MS = 2_000;

/** One reader's live feed of one stream. */
export class Subscription {
  private inbox: StreamEntry[] = [];
  private wake: (() => void) | undefined;
  /** True when entries were lost from the inbox: the reader must catch up from `lastId`. */
  behind = false;
  closed = false;

  constructor(
    readonly key: string,
    /** The last id this reader has; only later entries are kept for it. */
    public lastId: string,
  ) {}

  push(entries: readonly StreamEntry[]): void {
    if (this.behind) return;
    for (const entry of entries) {
      if (compareIds(entry.id, this.lastId) <= 0) continue;
      this.inbox.push(entry);
      this.lastId = entry.id;
    }
    if (this.inbox.length > MAX_INBOX) {
      this.inbox = [];
      this.behind = true;
    }
    this.notify();
  }

  /** The entries that came since the last call; [] when closed or aborted. */
  async next(signal: AbortSignal | undefined): Promise<StreamEntry[]> {
    while (this.inbox.length === 0 && !this.behind && !this.closed && signal?.aborted !== true) {
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener("abort", done);
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
        signal?.addEventListener("abort", done, { once: true });
      });
    }
    const entries = this.inbox;
    this.inbox = [];
    return entries;
  }

  notify(): void {
    this.wake?.();
  }
}

interface Followed {
  cursor: string;
  readonly subs: Set<Subscription>;
}

export class StreamFollower {
  private conn: RedisRunLogClient | undefined;
  private connId: string | undefined;
  private readonly streams = new Map<string, Followed>();
  private blocking = false;
  /** Counts XREAD calls, so an interrupt knows whether the call it aimed at is still blocked. */
  private generation = 0;
  private idle: (() => void) | undefined;
  private running = false;
  private closed = false;

  constructor(
    private readonly client: RedisRunLogClient,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Streams followed right now. */
  get followed(): number {
    return this.streams.size;
  }

  /** Starts feeding `sub` the entries of its stream that come after `sub.lastId`. */
  follow(key: string, lastId: string): Subscription {
    const sub = new Subscription(key, lastId);
    const stream = this.streams.get(key);
    if (stream === undefined) {
      this.streams.set(key, { cursor: lastId, subs: new Set([sub]) });
      this.interrupt();
    } else {
      stream.subs.add(sub);
      // The loop is already past what this reader has: it catches up with XRANGE first.
      if (compareIds(lastId, stream.cursor) < 0) sub.behind = true;
    }
    if (!this.running) void this.loop();
    this.idle?.();
    return sub;
  }

  unfollow(sub: Subscription): void {
    sub.closed = true;
    const stream = this.streams.get(sub.key);
    if (stream === undefined) return;
    stream.subs.delete(sub);
    if (stream.subs.size === 0) this.streams.delete(sub.key);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const stream of this.streams.values()) for (const sub of stream.subs) {
      sub.closed = true;
      sub.notify();
    }
    this.streams.clear();
    this.idle?.();
    const conn = this.conn;
    this.conn = undefined;
    if (conn !== undefined) conn.destroy();
    return Promise.resolve();
  }

  private async connection(): Promise<RedisRunLogClient> {
    if (this.conn === undefined) {
      const conn = this.client.duplicate() as RedisRunLogClient;
      conn.on("error", (error: unknown) => this.onError(error));
      // A reconnected connection has a new id.
      conn.on("ready", () => (this.connId = undefined));
      this.conn = conn;
      await conn.connect();
    }
    if (this.connId === undefined) this.connId = String(await this.conn.sendCommand(["CLIENT", "ID"]));
    return this.conn;
  }

  private async loop(): Promise<void> {
    this.running = true;
    while (!this.closed) {
      if (this.streams.size === 0) {
        await new Promise<void>((resolve) => (this.idle = resolve));
        this.idle = undefined;
        continue;
      }
      let reply: unknown;
      try {
        const conn = await this.connection();
        // Taken after the await, so a stream followed meanwhile is in this XREAD.
        const streams = [...this.streams];
        const keys = streams.map(([key]) => key);
        const ids = streams.map(([, stream]) => stream.cursor);
        if (keys.length === 0) continue;
        this.generation++;
        this.blocking = true;
        reply = await conn.sendCommand(["XREAD", "COUNT", "1000", "BLOCK", String(BLOCK_MS), "STREAMS", ...keys, ...ids]);
      } catch (error) {
        this.blocking = false;
        if (this.closed) break;
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      } finally {
        this.blocking = false;
      }
      for (const [key, value] of pairsOf(reply, false)) {
        const stream = this.streams.get(key);
        const records = value as unknown[];
        if (stream === undefined || !Array.isArray(records) || records.length === 0) continue;
        const entries = records.map(parseRecord);
        stream.cursor = entries[entries.length - 1].id;
        for (const sub of stream.subs) sub.push(entries);
      }
    }
    this.running = false;
  }

  /** Wakes the blocked XREAD so the next one includes a new stream; retried if it was not blocked yet. */
  private interrupt(attempt = 0): void {
    if (!this.blocking || this.connId === undefined || this.closed) return;
    const generation = this.generation;
    const id = this.connId;
    this.client.sendCommand(["CLIENT", "UNBLOCK", id]).then(
      (unblocked) => {
        // 0: the XREAD had not reached the server yet; try again shortly.
        if (unblocked === 0 && this.blocking && this.generation === generation && attempt < 50) {
          setTimeout(() => this.interrupt(attempt + 1), 2);
        }
      },
      (error: unknown) => this.onError(error),
    );
  }
}
