/**
 * `bus.events()`: the bus as an async iterator of `{ event, payload }`. It ends when its
 * signal aborts, when the run it follows ends, or when the consumer stops; each way it
 * takes its listener off at once.
 */
import { EVENT_INFO, type CallbackEventName, type CallbackEvents } from "./events.js";
import type { AnyListener } from "./emitter.js";
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
}

/** What the stream listens on: the bus, or one of its run scopes. */
interface Source {
  onAny(listener: AnyListener): unknown;
  offAny(listener: AnyListener): unknown;
  run(runId: string, options: { descendants?: boolean }): RunScope;
}

export class EventStream implements AsyncIterableIterator<BusEventItem> {
  private readonly buffer: BusEventItem[] = [];
  private head = 0;
  private waiting: ((result: IteratorResult<BusEventItem>) => void) | undefined;
  private done = false;
  private readonly source: Pick<Source, "onAny" | "offAny">;
  private readonly signal: AbortSignal | undefined;
  private readonly listener: AnyListener;
  private readonly onAbort = () => this.close();

  constructor(bus: Source, options: EventStreamOptions) {
    const { runId, events, signal } = options;
    const only = events === undefined ? undefined : new Set<string>(events);
    if (only !== undefined) for (const e of only) if (EVENT_INFO[e] === undefined) throw new TypeError(`callbus: events() got unknown event ${JSON.stringify(e)}`);
    this.source = runId === undefined ? bus : bus.run(runId, { descendants: options.descendants });
    this.signal = signal;
    this.listener = (event, payload) => {
      if (only === undefined || only.has(event)) this.push({ event, payload } as BusEventItem);
      if (runId !== undefined && payload.runId === runId && EVENT_INFO[event]?.phase === "end") this.close();
    };
    if (signal?.aborted) {
      this.done = true;
      return;
    }
    this.source.onAny(this.listener);
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  next(): Promise<IteratorResult<BusEventItem>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head++];
      if (this.head === this.buffer.length) {
        this.buffer.length = 0;
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Stops the stream (a `for await` loop's `break` calls this). */
  return(): Promise<IteratorResult<BusEventItem>> {
    this.close();
    this.buffer.length = 0;
    this.head = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private push(item: BusEventItem): void {
    if (this.done) return;
    const waiting = this.waiting;
    if (waiting !== undefined) {
      this.waiting = undefined;
      waiting({ value: item, done: false });
    } else {
      this.buffer.push(item);
    }
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    this.source.offAny(this.listener);
    this.signal?.removeEventListener("abort", this.onAbort);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }
}
