/**
 * Run log ids that carry their time, `<ms>-<seq>`: Redis Stream entry ids, and `MemoryRunLog`'s
 * ids, made the same way so that readers (SSE resume, the run viewer) treat both alike. `<ms>` is
 * when the entry was appended (ms since the epoch); `<seq>` orders entries of the same ms.
 */

/** A `<ms>-<seq>` id, or any log id written that way. */
const TIMED_ID = /^(\d{1,15})-(\d{1,15})$/;

/** When a log entry was appended, read from its id; undefined for ids that do not say. */
export function timeOfLogId(id: string): number | undefined {
  const match = TIMED_ID.exec(id);
  // A time needs at least 10 digits (September 2001 on); a shorter `<n>-<seq>` is no timestamp.
  return match === null || match[1].length < 10 ? undefined : Number(match[1]);
}

/** An id as its two numbers; a bare `<ms>` counts as `<ms>-0`, as Redis reads it. Undefined when malformed. */
export function parseTimedId(id: string): { ms: number; seq: number } | undefined {
  if (typeof id !== "string") return undefined;
  if (/^\d{1,15}$/.test(id)) return { ms: Number(id), seq: 0 };
  const match = TIMED_ID.exec(id);
  return match === null ? undefined : { ms: Number(match[1]), seq: Number(match[2]) };
}
