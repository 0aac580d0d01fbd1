/**
 * One trace of a `MemoryRunLog`: a root run and every run below it, in emission order, kept as
 * columns (one array per field) rather than one object per entry, and with the JSON of the
 * entries serialised together joined into one string. A log holds tens of thousands of entries;
 * as objects they would be as many objects for the garbage collector to trace on every major
 * collection, which a run that appends events would pay for. As columns they are a handful of
 * arrays per trace.
 */
import type { CallbackEventName, RunEvent } from "../events.js";
import { eventJson } from "./json.js";
import type { LoggedEvent } from "./entries.js";
import type { WakeList } from "./entries.js";

/** Per-entry bookkeeping counted on top of the JSON's length. */
export const ENTRY_OVERHEAD = 64;

/** Fields per entry in `refs`, `ids` and `json`. */
const REFS = 4;
const IDS = 2;
const JSON_FIELDS = 4;

export class MemoryTrace {
  // Entry `i` (0 = the oldest kept) is at position `dropped + i + 1`: positions count from 1,
  // trimmed entries too, and never change. Its fields are in three flat arrays, a few fields
  // per entry each, so an append is three pushes:
  /** Event name, run id, parent run id, and the payload until it is serialised. */
  private readonly refs: unknown[] = [];
  /** The id, `<ms>-<seq>`, as its two numbers. */
  private readonly ids: number[] = [];
  /** Bytes counted (0 until serialised), then where its JSON is: chunk (-1 until serialised), start, end. */
  private readonly json: number[] = [];
  /** The entry readers get, made once and shared by all of them (filled as readers ask). */
  private views: (LoggedEvent | undefined)[] = [];
  /** Joined JSON of entries serialised together; a chunk no kept entry uses is emptied. */
  private readonly chunks: string[] = [];

  /** Entries trimmed from the front. */
  dropped = 0;
  /** The id of the last entry trimmed (undefined while none was), to tell a reader whether it missed any. */
  lastDropped: { readonly ms: number; readonly seq: number } | undefined;
  /** The latest id handed out. */
  lastMs = 0;
  lastSeq = 0;
  /** The position of the first entry not yet serialised (the next to append when all are). */
  pendingFrom = 1;
  bytes = 0;
  /** When the root ended (ms since epoch); 0 while it runs. */
  endedAt = 0;
  /** Set when the trace was let go (evicted, expired, or the log closed). */
  gone = false;
  readonly runs: string[] = [];

  constructor(
    readonly id: string,
    readonly waiters: WakeList,
  ) {}

  /** Entries kept. */
  get length(): number {
    return this.ids.length / IDS;
  }

  /** The position the next entry gets. */
  get nextId(): number {
    return this.dropped + this.length + 1;
  }

  eventAt(i: number): CallbackEventName {
    return this.refs[i * REFS] as CallbackEventName;
  }

  runIdAt(i: number): string {
    return this.refs[i * REFS + 1] as string;
  }

  parentAt(i: number): string | undefined {
    return this.refs[i * REFS + 2] as string | undefined;
  }

  viewAt(i: number): LoggedEvent | undefined {
    return this.views[i];
  }

  setView(i: number, view: LoggedEvent): void {
    this.views[i] = view;
  }

  /** Appends one entry, stamped `ms` (a later entry in the same or an earlier ms takes the next seq). */
  push(event: CallbackEventName, runId: string, parentRunId: string | undefined, payload: RunEvent, now: number): void {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.lastSeq = 0;
    } else {
      this.lastSeq++;
    }
    this.refs.push(event, runId, parentRunId, payload);
    this.ids.push(this.lastMs, this.lastSeq);
    this.json.push(0, -1, 0, 0);
  }

  /** The id of entry `i`. */
  idAt(i: number): string {
    return `${this.ids[i * IDS]}-${this.ids[i * IDS + 1]}`;
  }

  /**
   * The position of the last entry at or before the id `ms`-`seq`: 0 when none is kept and
   * none was trimmed, below `dropped` when entries after that id were trimmed.
   */
  positionOf(ms: number, seq: number): number {
    const last = this.lastDropped;
    if (last !== undefined && (last.ms > ms || (last.ms === ms && last.seq > seq))) return 0;
    // Ids grow with the position: a binary search for the first entry after the id.
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const at = this.ids[mid * IDS];
      if (at < ms || (at === ms && this.ids[mid * IDS + 1] <= seq)) low = mid + 1;
      else high = mid;
    }
    return this.dropped + low;
  }

  /** Entry `i`'s JSON, serialised now (alone) if it was not yet; returns the bytes newly counted. */
  jsonAt(i: number): { data: string; added: number } {
    const at = i * JSON_FIELDS;
    const chunk = this.json[at + 1];
    if (chunk !== -1) {
      const text = this.chunks[chunk];
      const start = this.json[at + 2];
      const end = this.json[at + 3];
      return { data: start === 0 && end === text.length ? text : text.slice(start, end), added: 0 };
    }
    const data = eventJson(this.refs[i * REFS + 3] as RunEvent);
    this.json[at + 1] = this.chunks.push(data) - 1;
    this.json[at + 3] = data.length;
    return { data, added: this.settle(i, data.length) };
  }

  /**
   * Serialises every entry appended since the last time (those a reader did not already), as
   * one chunk; returns the bytes newly counted.
   */
  serialisePending(): number {
    const from = Math.max(this.pendingFrom - this.dropped - 1, 0);
    const to = this.length;
    this.pendingFrom = this.nextId;
    const parts: string[] = [];
    const chunk = this.chunks.length;
    let offset = 0;
    let added = 0;
    for (let i = from; i < to; i++) {
      const at = i * JSON_FIELDS;
      if (this.json[at + 1] !== -1) continue;
      const data = eventJson(this.refs[i * REFS + 3] as RunEvent);
      parts.push(data);
      this.json[at + 1] = chunk;
      this.json[at + 2] = offset;
      offset += data.length;
      this.json[at + 3] = offset;
      added += this.settle(i, data.length);
    }
    // One string for the lot (`join` makes it flat): its parts are garbage at once.
    if (parts.length !== 0) this.chunks.push(parts.length === 1 ? parts[0] : parts.join(""));
    return added;
  }

  /** Trims the oldest entries until `target` bytes are freed (keeping at least one); returns the bytes freed. */
  trim(target: number): number {
    let cut = 0;
    let freed = 0;
    while (cut < this.length - 1 && freed < target) freed += this.json[cut++ * JSON_FIELDS];
    if (cut === 0) return 0;
    this.lastDropped = { ms: this.ids[(cut - 1) * IDS], seq: this.ids[(cut - 1) * IDS + 1] };
    this.refs.splice(0, cut * REFS);
    this.ids.splice(0, cut * IDS);
    this.json.splice(0, cut * JSON_FIELDS);
    this.views = this.views.slice(cut);
    this.dropped += cut;
    this.bytes -= freed;
    // Chunks before the oldest kept entry's are used by no entry now.
    let firstChunk = this.chunks.length;
    for (let at = 1; at < this.json.length; at += JSON_FIELDS) if (this.json[at] !== -1) firstChunk = Math.min(firstChunk, this.json[at]);
    for (let c = 0; c < firstChunk; c++) this.chunks[c] = "";
    return freed;
  }

  /** Lets everything go (the trace was dropped). */
  clear(): void {
    this.refs.length = 0;
    this.ids.length = 0;
    this.json.length = 0;
    this.views = [];
    this.chunks.length = 0;
    this.bytes = 0;
  }

  private settle(i: number, length: number): number {
    this.refs[i * REFS + 3] = undefined;
    if (this.gone) return 0;
    const size = length + ENTRY_OVERHEAD;
    this.json[i * JSON_FIELDS] = size;
    this.bytes += size;
    return size;
  }
}
