/** Redis stream ids (`<ms>-<seq>`): parsing and order. */

/** Compares two stream ids by time, then sequence; a bare `<ms>` counts as `<ms>-0`. */
export function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = split(a);
  const [bMs, bSeq] = split(b);
  return aMs !== bMs ? aMs - bMs : aSeq - bSeq;
}

function split(id: string): [number, number] {
  const dash = id.indexOf("-");
  if (dash === -1) return [Number(id), 0];
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** A stream id given by a reader, or a TypeError naming the bad one. */
export function checkId(id: string): string {
  if (typeof id === "string" && /^\d{1,15}(-\d{1,15})?$/.test(id)) return id.includes("-") ? id : `${id}-0`;
  throw new TypeError(`callbus: RedisRunLog ids are Redis stream ids like 1700000000000-0, got ${JSON.stringify(id)}`);
}
