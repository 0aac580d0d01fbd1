/**
 * A typed eventemitter3 whose listeners cannot hurt each other: each listener is wrapped once,
 * when it subscribes, so a throw or a rejection is reported instead of stopping the emit, and
 * the emit itself stays eventemitter3's allocation-free loop.
 */
import EventEmitter from "eventemitter3";
import { eventInfo, type CallbackEvents } from "./events.js";

/** A listener gets one payload; it may return a promise, which `flush()` waits for. */
export type Listener<P> = (payload: P) => unknown;

/** A listener for every callback event: `(event, payload) => …`. */
export type AnyListener = <E extends keyof CallbackEvents>(event: E, payload: CallbackEvents[E]) => unknown;

/**
 * The part of eventemitter3 the emitter uses. Typed here, so that callbus's declarations never
 * name eventemitter3's own types (whose `export =` form breaks some module settings).
 */
interface ListenerStore {
  on(event: string, fn: (payload: unknown) => void, context?: unknown): unknown;
  once(event: string, fn: (payload: unknown) => void, context?: unknown): unknown;
  removeListener(event: string, fn?: (payload: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
  listeners(event: string): unknown[];
  listenerCount(event: string | symbol): number;
  eventNames(): (string | symbol)[];
  emit(event: string, payload: unknown): boolean;
}

/** Where listener failures and listener promises go (the bus). */
export interface ListenerSink {
  listenerFailed(error: unknown, event: string, payload: unknown): void;
  track(promise: PromiseLike<unknown>, event: string, payload: unknown): void;
}

const ORIGINAL = Symbol("callbus.original");

/** A listener as given: called with the emitter as `this`. */
type GivenListener = (this: unknown, ...args: never[]) => unknown;

type Wrapped = ((payload: unknown) => void) & { [ORIGINAL]?: GivenListener };

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" && typeof (value as PromiseLike<unknown>).then === "function";
}

/** Calls an `onAny` listener, routing a throw or a returned promise to the sink; never throws. */
function callAnyListener(sink: ListenerSink, fn: AnyListener, thisArg: unknown, event: string, payload: unknown): void {
  try {
    const result: unknown = (fn as (this: unknown, event: string, payload: unknown) => unknown).call(thisArg, event, payload);
    if (isPromiseLike(result)) sink.track(result, event, payload);
  } catch (error) {
    sink.listenerFailed(error, event, payload);
  }
}

function guard(sink: ListenerSink, event: string, fn: (payload: never) => unknown): Wrapped {
  const wrapped: Wrapped = function (this: unknown, payload: unknown) {
    try {
      const result: unknown = (fn as (this: unknown, payload: unknown) => unknown).call(this, payload);
      if (isPromiseLike(result)) sink.track(result, event, payload);
    } catch (error) {
      sink.listenerFailed(error, event, payload);
    }
  };
  wrapped[ORIGINAL] = fn;
  return wrapped;
}

function assertListener(fn: unknown, what: string): void {
  if (typeof fn !== "function") throw new TypeError(`callbus: ${what} must be a function, got ${fn === null ? "null" : typeof fn}`);
}

/**
 * The typed on/once/off/emit surface shared by the bus and its run scopes. `Events` maps event
 * names to payload types. Abstract: a listener failure needs somewhere to go, so only the bus
 * (its own sink) and run scopes (their bus's) are emitters.
 */
export abstract class TypedEmitter<Events extends object> {
  /** @internal The eventemitter3 instance that holds the listeners. */
  protected readonly ee: ListenerStore = new EventEmitter();
  /** @internal */
  protected anyListeners: AnyListener[] = [];
  /** @internal */
  protected readonly sink: ListenerSink;
  /**
   * @internal False while `ee` surely has no listener, so an emit can skip it: cleared by every
   * removal that leaves none, set by every subscription. (A `once` listener that fired leaves
   * it true until the next removal: a wasted look-up, never a lost event.)
   */
  protected mayHaveListeners = false;

  /** @internal `sink`: where failures go; without one, the emitter is its own (the bus). */
  constructor(sink?: ListenerSink) {
    this.sink = sink ?? (this as unknown as ListenerSink);
  }

  /** @internal Checks an event name; the bus also accepts `listenerError`. */
  protected checkEvent(event: string): void {
    eventInfo(event);
  }

  on<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): this {
    this.checkEvent(event);
    assertListener(listener, `listener for "${event}"`);
    this.ee.on(event, guard(this.sink, event, listener), this);
    this.mayHaveListeners = true;
    return this;
  }

  addListener<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): this {
    return this.on(event, listener);
  }

  once<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): this {
    this.checkEvent(event);
    assertListener(listener, `listener for "${event}"`);
    this.ee.once(event, guard(this.sink, event, listener), this);
    this.mayHaveListeners = true;
    return this;
  }

  /** Removes one subscription of `listener` (or every listener of `event` when none is given). */
  off<E extends keyof Events & string>(event: E, listener?: Listener<Events[E]>): this {
    this.checkEvent(event);
    if (listener === undefined) {
      this.ee.removeAllListeners(event);
    } else {
      const wrapped = (this.ee.listeners(event) as Wrapped[]).find((w) => w[ORIGINAL] === listener);
      if (wrapped !== undefined) this.ee.removeListener(event, wrapped);
    }
    this.checkListeners();
    this.listenersChanged();
    return this;
  }

  removeListener<E extends keyof Events & string>(event: E, listener?: Listener<Events[E]>): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: keyof Events & string): this {
    if (event === undefined) {
      this.ee.removeAllListeners();
      this.anyListeners = [];
    } else {
      this.checkEvent(event);
      this.ee.removeAllListeners(event);
    }
    this.checkListeners();
    this.listenersChanged();
    return this;
  }

  /** Listens to every event: `(event, payload) => …`. */
  onAny(listener: AnyListener): this {
    assertListener(listener, "onAny listener");
    // Copy on write: an emit in progress keeps iterating the array it started with.
    this.anyListeners = [...this.anyListeners, listener];
    return this;
  }

  offAny(listener: AnyListener): this {
    const i = this.anyListeners.indexOf(listener);
    if (i !== -1) this.anyListeners = this.anyListeners.filter((_, j) => j !== i);
    this.listenersChanged();
    return this;
  }

  /** How many listeners `event` has; without an event, every listener including `onAny` ones. */
  listenerCount(event?: keyof Events & string): number {
    if (event !== undefined) return this.ee.listenerCount(event);
    let n = this.anyListeners.length;
    for (const name of this.ee.eventNames()) n += this.ee.listenerCount(name);
    return n;
  }

  /** The listeners of `event`, as they were given. */
  listeners<E extends keyof Events & string>(event: E): Listener<Events[E]>[] {
    return (this.ee.listeners(event) as Wrapped[]).map((w) => (w[ORIGINAL] ?? w) as Listener<Events[E]>);
  }

  eventNames(): (keyof Events & string)[] {
    return this.ee.eventNames() as (keyof Events & string)[];
  }

  /** @internal Hands a payload to the listeners of `event`, then to the `onAny` listeners. */
  protected deliver(event: string, payload: unknown): void {
    if (this.mayHaveListeners) this.ee.emit(event, payload);
    const any = this.anyListeners;
    for (let i = 0; i < any.length; i++) callAnyListener(this.sink, any[i], this, event, payload);
  }

  /** @internal After a removal: whether `ee` still has listeners. */
  protected checkListeners(): void {
    this.mayHaveListeners = this.ee.eventNames().length !== 0;
  }

  /** @internal Hook for subclasses that free themselves when nobody listens any more. */
  protected listenersChanged(): void {}
}
