/**
 * The shape of the per-event functions (written out in `event-functions.ts`, one set per row of
 * the event table): each reads and builds its own event's payload with plain property access,
 * which V8 caches per payload shape, so no dispatch loops over a row's parameters.
 */
import type { CallbackEventName, CallbackEvents, HandlerMethodName, IgnoreFlag, RunEvent } from "./event-table.js";
import type { EventInfo } from "./events.js";

/** A handler method, called with an event's positional arguments. */
export type HandlerMethod = (...args: unknown[]) => unknown;

/** A handler as an event's `methodOf` reads it: that event's method and the ignore flags. */
export type HandlerFields<E extends CallbackEventName> = { readonly [K in HandlerMethodName<E> | IgnoreFlag]?: unknown };

/** An event's own fields: its payload without the run's fields. */
export type OwnFields<E extends CallbackEventName> = Omit<CallbackEvents[E], keyof RunEvent>;

/** A run manager as `emitFrom` sees it: the run's fields, and where the built payload goes. */
export interface EventSender<R> {
  readonly runId: string;
  readonly parentRunId?: string;
  readonly tags: string[];
  readonly metadata: Record<string, unknown>;
  sendEvent(info: EventInfo, payload: RunEvent): R;
}

/** One event's functions. */
export interface EventFunctions<E extends CallbackEventName> {
  /** The handler's method for this event, unless it has none or its ignore flag is set. */
  methodOf(handler: object): HandlerMethod | undefined;
  /**
   * Calls `method` on `handler` with this event's positional arguments read from `payload`.
   * `unnamed` (start events): pass no run name, the payload's being one callbus derived.
   */
  invoke(method: HandlerMethod, handler: object, payload: CallbackEvents[E], unnamed?: boolean): unknown;
  /** This event's positional arguments read from `payload` (for a call made later); `unnamed` as for `invoke`. */
  args(payload: CallbackEvents[E], unnamed?: boolean): unknown[];
  /** Builds the payload from a run and this event's own fields, and sends it through the run. */
  emitFrom<R>(this: EventInfo, run: EventSender<R>, fields: OwnFields<E>): R;
}
