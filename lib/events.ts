/**
 * The runtime view of the event table: `EVENT_INFO` (name -> row with its per-event
 * functions), the exported name lists, and conversions between payloads and the positional
 * arguments of handler methods.
 */
import { EVENT_TABLE, type CallbackEventName, type CallbackEvents, type HandlerMethodName, type IgnoreFlag, type Phase, type SeedEventName } from "./event-table.js";
import { EVENT_FUNCTIONS } from "./event-functions.js";
import type { EventSender, HandlerMethod, OwnFields } from "./event-function-types.js";

export * from "./event-table.js";
export type { EventSender, HandlerMethod, OwnFields } from "./event-function-types.js";

const ALL_NAMES = Object.keys(EVENT_TABLE) as CallbackEventName[];

/** The 19 event names of the seed API. */
export const EVENT_NAMES: readonly SeedEventName[] = Object.freeze(
  ALL_NAMES.filter((e): e is SeedEventName => !("extra" in EVENT_TABLE[e])),
);

/** Every event name, the LangChain.js-only ones included. */
export const ALL_EVENT_NAMES: readonly CallbackEventName[] = Object.freeze(ALL_NAMES);

/** Event name -> handler method name. */
export const HANDLER_METHODS: Readonly<{ [E in CallbackEventName]: HandlerMethodName<E> }> = Object.freeze(
  Object.fromEntries(ALL_NAMES.map((e) => [e, EVENT_TABLE[e].method])) as {
    [E in CallbackEventName]: HandlerMethodName<E>;
  },
);

/** The runtime view of a row, looked up by name on every emit: the row and its functions. */
export interface EventInfo {
  readonly name: CallbackEventName;
  readonly method: string;
  readonly ignore: IgnoreFlag | null;
  readonly phase: Phase;
  readonly params: readonly (string | { readonly [bag: string]: string })[];
  /** The handler's method for this event, unless it has none or its ignore flag is set. */
  methodOf(handler: object): HandlerMethod | undefined;
  /** Calls a handler's method with this event's positional arguments read from a payload; `unnamed`: no run name (a derived one). */
  invoke(method: HandlerMethod, handler: object, payload: object, unnamed?: boolean): unknown;
  /** This event's positional arguments read from a payload; `unnamed` as for `invoke`. */
  args(payload: object, unnamed?: boolean): unknown[];
  /** Builds a payload from a run manager and the event's own fields and sends it through the run. */
  emitFrom(run: EventSender<unknown>, fields: object): unknown;
}

/** A row's runtime view, typed for its event. */
export interface TypedEventInfo<E extends CallbackEventName> extends EventInfo {
  readonly name: E;
  emitFrom<R>(run: EventSender<R>, fields: OwnFields<E>): R;
}

function toInfo(name: CallbackEventName): EventInfo {
  const { method, ignore, phase, params } = EVENT_TABLE[name] as Pick<EventInfo, "method" | "ignore" | "phase" | "params">;
  const { methodOf, invoke, args, emitFrom } = EVENT_FUNCTIONS[name] as unknown as Pick<EventInfo, "methodOf" | "invoke" | "args" | "emitFrom">;
  return { name, method, ignore, phase, params, methodOf, invoke, args, emitFrom };
}

/**
 * Name -> row, with no prototype, so `"toString"` is not an event: by a known name it is the
 * row typed for its event, by any other string a row or undefined. Built as an ordinary object
 * and then given a null prototype (`Object.create(null)` would make a dictionary, slower to read).
 */
export const EVENT_INFO: { readonly [E in CallbackEventName]: TypedEventInfo<E> } & { readonly [name: string]: EventInfo | undefined } =
  Object.freeze(Object.setPrototypeOf(Object.fromEntries(ALL_NAMES.map((name) => [name, toInfo(name)])), null) as Record<string, EventInfo>) as never;

/** The payload of the `listenerError` event: a listener or handler threw or rejected. */
export interface ListenerErrorEvent {
  error: unknown;
  event: CallbackEventName;
  runId?: string;
  /** The handler's name, when a handler (not a plain listener) failed. */
  handler?: string;
}

/** Everything a bus emits: the callbacks and `listenerError`. */
export type BusEvents = CallbackEvents & { listenerError: ListenerErrorEvent };
export type BusEventName = keyof BusEvents;

/** Looks an event up, with an error that names the bad name and the good ones. */
export function eventInfo(event: string): EventInfo {
  const info = EVENT_INFO[event];
  if (info === undefined) {
    throw new TypeError(`callbus: unknown event ${JSON.stringify(event)}; known events are ${ALL_NAMES.join(", ")}`);
  }
  return info;
}

/** The reverse: builds a payload from the arguments LangChain.js passes a handler method. */
export function argsToPayload<E extends CallbackEventName>(event: E, args: readonly unknown[]): CallbackEvents[E] {
  const { params } = eventInfo(event);
  const payload: Record<string, unknown> = {};
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (typeof p === "string") {
      payload[p] = args[i];
      continue;
    }
    const bag = args[i] as Record<string, unknown> | undefined;
    for (const key in p) payload[p[key]] = bag?.[key];
  }
  payload.tags ??= [];
  payload.metadata ??= {};
  return payload as unknown as CallbackEvents[E];
}
