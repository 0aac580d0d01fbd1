/**
 * A bounded memory of the last ENDED_MEMORY ended run ids, so that a second end (or a listener
 * for a finished run) can be named as such.
 *
 * Ending a run is on every run's path and must stay cheap; asking is rare (raw emits of an end,
 * `bus.run()` and SSE requests for runs that are not live). So an end only writes its id's
 * fingerprint into a ring, and the index behind `has()` is brought up to date when someone asks:
 * each end is indexed at most once, and an index that has fallen a whole ring behind is rebuilt.
 *
 * Why fingerprints and not the ids: a ring of strings keeps every run id alive for the next
 * ENDED_MEMORY ends, so each one survives young-generation collections and is copied and
 * promoted; with runs started and ended in quick succession (agent loops, deep trees) that
 * garbage collection cost more than everything else a run does (docs/speed.md). A ring of
 * numbers holds no reference. A fingerprint has 53 bits, so a never-ended id is taken for an
 * ended one with a chance of about ENDED_MEMORY / 2^53 (1 in 10^12) per question.
 */

/** How many ended ids are remembered. */
export const ENDED_MEMORY = 8192;

export class EndedRuns {
  private readonly ring = new Float64Array(ENDED_MEMORY);
  /** How many ends were recorded; the k-th is in `ring[k % ENDED_MEMORY]` while k > count - ENDED_MEMORY. */
  private count = 0;
  /** fingerprint -> the number of its latest end, for the ends before `indexed`; stale entries are ignored. */
  private index = new Map<number, number>();
  private indexed = 0;

  /** How many ends were recorded, ever. */
  get total(): number {
    return this.count;
  }

  add(runId: string): void {
    this.ring[this.count % ENDED_MEMORY] = fingerprint(runId);
    this.count++;
  }

  /** True when `runId` is among the last ENDED_MEMORY ends. */
  has(runId: string): boolean {
    this.catchUp();
    const end = this.index.get(fingerprint(runId));
    return end !== undefined && end >= this.count - ENDED_MEMORY;
  }

  private catchUp(): void {
    const oldest = Math.max(0, this.count - ENDED_MEMORY);
    // Entries that left the ring stay in the index until it is twice the ring: then rebuild.
    if (this.indexed < oldest || this.index.size > 2 * ENDED_MEMORY) {
      this.index = new Map();
      this.indexed = oldest;
    }
    for (; this.indexed < this.count; this.indexed++) {
      this.index.set(this.ring[this.indexed % ENDED_MEMORY], this.indexed);
    }
  }
}

/**
 * A 53-bit fingerprint of a string (exact as a number): two 32-bit multiplicative hashes
 * (FNV-1a's and a Murmur-style one) over its UTF-16 code units taken two at a time, each
 * finished with Murmur3's mix.
 */
export function fingerprint(text: string): number {
  const n = text.length;
  let a = 0x811c9dc5 ^ n;
  let b = 0x9747b28c;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const units = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    a = Math.imul(a ^ units, 0x01000193);
    b = Math.imul(b ^ units, 0x5bd1e995);
    b ^= b >>> 15;
  }
  if (i < n) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
  }
  return (mix(a) >>> 11) * 0x1_0000_0000 + (mix(b) >>> 0);
}

/** Murmur3's 32-bit finaliser: every input bit reaches every output bit. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
