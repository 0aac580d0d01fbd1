/**
 * A bounded memory of the last ENDED_MEMORY ended run ids, so that a second end (or a listener
 * for a finished run) can be named as such.
 *
 * Ending a run is on every run's path and must stay cheap; asking is rare (raw emits of an end,
 * `bus.run()` and SSE requests for runs that are not live). So an end only stores its id in a
 * ring, and the hash index behind `has()` is brought up to date when someone asks: each end is
 * indexed at most once, and an index that has fallen a whole ring behind is rebuilt from it.
 */

/** How many ended ids are remembered. */
export const ENDED_MEMORY = 8192;

export class EndedRuns {
  private readonly ring: (string | undefined)[] = new Array<string | undefined>(ENDED_MEMORY).fill(undefined);
  /** How many ends were recorded; the k-th is in `ring[k % ENDED_MEMORY]` while k > count - ENDED_MEMORY. */
  private count = 0;
  /** id -> the number of its latest end, for the ends before `indexed`; stale entries are ignored. */
  private index = new Map<string, number>();
  private indexed = 0;

  /** How many ends were recorded, ever. */
  get total(): number {
    return this.count;
  }

  add(runId: string): void {
    this.ring[this.count % ENDED_MEMORY] = runId;
    this.count++;
  }

  /** True when `runId` is among the last ENDED_MEMORY ends. */
  has(runId: string): boolean {
    this.catchUp();
    const end = this.index.get(runId);
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
      this.index.set(this.ring[this.indexed % ENDED_MEMORY] as string, this.indexed);
    }
  }
}
