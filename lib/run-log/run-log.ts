/**
 * The run log contract: an append-only record of every event of every run, readable by run id
 * (with the run's descendants) from any point, then live. The bus appends; SSE streams and the
 * run viewer read. `MemoryRunLog` keeps it in this process, `RedisRunLog` (callbus/redis) in
 * Redis Streams so every instance of a service reads what any instance wrote.
 */
import type { CallbackEventName, RunEvent } from "../events.js";

/** Entries between `after` and `first` are no longer kept (trimmed, expired, or lost in a fault). */
export interface RunLogGap {
  runId: string;
  /** The id the reader asked to read after. */
  after: string;
  /** The oldest id still kept. */
  first: string;
}

/**
 * One entry of a run log. A gap's id is its `after`. `data`, when a log has it, is the payload
 * as one line of JSON, so a reader that sends it on (an SSE stream) never serialises it again.
 */
export type RunLogEntry =
  | { id: string; event: CallbackEventName; payload: RunEvent; data?: string }
  | { id: string; event: "gap"; payload: RunLogGap; data?: string };

/** Options of `RunLog.read`. */
export interface RunLogReadOptions {
  /** Read what follows this id (exclusive); from the start when not given. */
  after?: string;
  /** Keep reading live entries until the run ends (default true). */
  follow?: boolean;
  /** Ends the read. */
  signal?: AbortSignal;
}

/** Where every event of every run on a bus is recorded. */
export interface RunLog {
  /** Appends one event; the id is assigned by the log and grows within a trace. */
  append(event: CallbackEventName, payload: RunEvent): void;
  /**
   * A run's events (with its descendants'), oldest first, after `after` (exclusive); then
   * live ones until the run ends, unless `follow: false`.
   */
  read(runId: string, options?: RunLogReadOptions): AsyncIterable<RunLogEntry>;
  /**
   * Optional: the ids of the most recent root runs, newest first, at most `limit` (a shared
   * log lists every instance's runs; the run viewer's list uses it).
   */
  recentRoots?(limit: number): Promise<string[]>;
  /**
   * Optional: whether the log holds events of `runId` right now (any instance's), so a reader
   * can tell a quiet run from one that never started without waiting.
   */
  has?(runId: string): Promise<boolean>;
  close(): Promise<void>;
}
