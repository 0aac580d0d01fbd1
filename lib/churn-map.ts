/**
 * A Map for entries that come and go quickly while the map itself lives long: the live runs of
 * a bus, its pending handler calls, a handler's queue per trace. Every 16 × size + 64
 * insertions it moves its entries, in order, into a new Map.
 *
 * Why: V8 keeps a Map's entries in a hash table that it replaces as the map grows and shrinks,
 * and it allocates the replacement in the old generation once the table it replaces is there
 * (a map that was quiet through two young collections). From then on every key and value
 * written into the map is referenced from the old generation: each young collection keeps them
 * (and those of the replaced tables, still linked to their successors) alive and promotes them,
 * until a full collection. With runs started and ended in quick succession that made every
 * event several times slower (docs/speed.md). A new Map starts young; copying it costs one
 * insertion per 16, so the cost per insertion stays constant.
 */
export class ChurnMap<K, V> {
  private map = new Map<K, V>();
  /** Insertions left before the entries move to a new Map. */
  private untilRenewal = 64;

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): this {
    this.map.set(key, value);
    if (--this.untilRenewal <= 0) {
      this.map = new Map(this.map);
      this.untilRenewal = 16 * this.map.size + 64;
    }
    return this;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.map.entries();
  }
}
