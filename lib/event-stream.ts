/**
 * `bus.events()`: the bus as an async iterator of `{ event, payload }`. It ends when its
 * signal aborts, when the run it follows ends, or when the consumer stops; each way it
 * takes its listener off at once.
 *
 * It holds at most `maxBuffered` unread items: past that, the oldest tokens (`llmNewToken`,
 * `chatModelStreamEvent`) are dropped first; when only other events are left to drop, it lets
 * go of its listener and buffer and the next read throws an `EventStreamOverflowError`. A
 * stream that is no longer referenced anywhere (never read, forgotten) lets go of its listener
 * when the garbage collector takes it.
 */
import { EVENT_INFO, type CallbackEventName, type CallbackEvents } from "./events.js";
import type { AnyListener } from "./emitter.js";
import { EventStreamOverflowError } from "./errors.js";
import type { RunScope } from "./run-scope.js";

/** One item of the stream. */
export type BusEventItem = { [E in CallbackEventName]: { event: E; payload: CallbackEvents[E] } }[CallbackEventName];

export interface EventStreamOptions {
  /** Follow one run: only its events (and with `descendants`, its child runs'), ending with it. */
  runId?: string;
  descendants?: boolean;
  /** Only these events (the end of the followed run still ends the stream). */
  events?: readonly CallbackEventName[];
  /** Ends the stream when aborted. */
  signal?: AbortSignal;
  /** Unread items kept at most (default 10 000); tokens are dropped first. */
  maxBuffered?: number;
}

/** What the stream listens on: the bus, or one of its run scopes. */
interface Source {
  onAny(listener: AnyListener): unknown;
  offAny(listener: AnyListener): unknown;
  run(runId: string, options: { descendants?: boolean }): RunScope;
}

const DEFAULT_MAX_BUFFERED = 10_000;
/** Read items are cut off the front of the buffer once there are this many (and half of it). */
const COMPACT_AFTER = 1024;

function isToken(item: BusEventItem | undefined): boolean {
  return item !== undefined && (item.event === "llmNewToken" || item.event === "chatModelStreamEvent");
}

/**
 * The buffer and subscription behind one stream. It never refers to the `EventStream` the user
 * holds, so that the stream can be collected while this still listens; then `forgotten` closes it.
 */
class StreamQueue {
  /** Unread items from `head` on; `undefined` where a token was dropped. */
  private items: (BusEventItem | undefined)[] = [];
  private head = 0;
  /** Unread items, dropped ones not counted, and the tokens among them. */
  private size = 0;
  private tokens = 0;
  /** No unread token lies before this index: the next token to drop is looked for from here. */
  private tokenCursor = 0;
  private waiting: ((result: IteratorResult<BusEventItem>) => void) | undefined;
  private overflow: EventStreamOverflowError | undefined;
  done = false;
  private readonly source: Pick<Source, "onAny" | "offAny">;
  private readonly scope: RunScope | undefined;
  private readonly listener: AnyListener;
  private readonly signal: AbortSignal | undefined;
  private readonly onEnd = (): void => this.close();

  constructor(
    bus: Source,
    options: EventStreamOptions,
    private readonly maxBuffered: number,
  ) {
    const { runId, events, signal } = options;
    const only = events === undefined ? undefined : new Set<string>(events);
    if (only !== undefined) for (const e of only) if (EVENT_INFO[e] === undefined) throw new TypeError(`callbus: events() got unknown event ${JSON.stringify(e)}`);
    this.scope = runId === undefined ? undefined : bus.run(runId, { descendants: options.descendants });
    this.source = this.scope ?? bus;
    this.signal = signal;
    this.listener = (event, payload) => {
      if (only === undefined || only.has(event)) this.push({ event, payload } as BusEventItem);
    };
    if (signal?.aborted) {
      this.done = true;
      return;
    }
    this.source.onAny(this.listener);
    // The followed run's end (its scope's release) ends the stream, after its end event.
    this.scope?.whenReleased(this.onEnd);
    signal?.addEventListener("abort", this.onEnd, { once: true });
  }

  next(): Promise<IteratorResult<BusEventItem>> {
    const overflow = this.overflow;
    if (overflow !== undefined) {
      this.overflow = undefined;
      return Promise.reject(overflow);
    }
    while (this.head < this.items.length) {
      const value = this.items[this.head++];
      if (value === undefined) continue;
      this.size--;
      if (isToken(value)) this.tokens--;
      this.compact();
      return Promise.resolve({ value, done: false });
    }
    this.clear();
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  close(): void {
    forgotten.unregister(this);
    if (this.done) return;
    this.done = true;
    this.source.offAny(this.listener);
    this.scope?.offReleased(this.onEnd);
    this.signal?.removeEventListener("abort", this.onEnd);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  clear(): void {
    this.items = [];
    this.head = this.size = this.tokens = this.tokenCursor = 0;
  }

  private push(item: BusEventItem): void {
    if (this.done) return;
    const waiting = this.waiting;
    if (waiting !== undefined) {
      this.waiting = undefined;
      waiting({ value: item, done: false });
      return;
    }
    if (this.size >= this.maxBuffered && !this.dropOldestToken()) {
      // Only a token may be lost: this one goes, or the stream stops.
      if (isToken(item)) return;
      this.overflow = new EventStreamOverflowError(this.maxBuffered);
      this.close();
      this.clear();
      return;
    }
    this.items.push(item);
    this.size++;
    if (isToken(item)) this.tokens++;
  }

  /** Drops the oldest unread token; false when there is none. */
  private dropOldestToken(): boolean {
    if (this.tokens === 0) return false;
    let i = Math.max(this.tokenCursor, this.head);
    while (!isToken(this.items[i])) i++;
    this.items[i] = undefined;
    this.tokenCursor = i + 1;
    this.tokens--;
    this.size--;
    return true;
  }

  /** Cuts read items off the front, so a reader that is always a little behind does not grow the array. */
  private compact(): void {
    if (this.head === this.items.length) {
      this.clear();
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.tokenCursor = Math.max(0, this.tokenCursor - this.head);
      this.head = 0;
    }
  }
}

/** Closes the queue of a stream that was collected without being closed. */
const forgotten = new FinalizationRegistry<StreamQueue>((queue) => queue.close());

export class EventStream implements AsyncIterableIterator<BusEventItem> {
  private readonly queue: StreamQueue;

  constructor(bus: Source, options: EventStreamOptions) {
    const { maxBuffered = DEFAULT_MAX_BUFFERED } = options;
    if (!(Number.isInteger(maxBuffered) || maxBuffered === Infinity) || maxBuffered < 1) {
      throw new TypeError(`callbus: events({ maxBuffered }) must be a whole number of items, 1 or more, got ${String(maxBuffered)}`);
    }
    this.queue = new StreamQueue(bus, options, maxBuffered);
    if (!this.queue.done) forgotten.register(this, this.queue, this.queue);
  }

  next(): Promise<IteratorResult<BusEventItem>> {
    return this.queue.next();
  }

  /** Stops the stream (a `for await` loop's `break` calls this). */
  return(): Promise<IteratorResult<BusEventItem>> {
    this.queue.close();
    this.queue.clear();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
