/**
 * Python's `handle_event` / `ahandle_event`: one event to a list of handlers, without a run
 * manager. Failures and promises are reported to a bus (`defaultBus` unless one is given).
 */
import type { CallbackBus } from "./bus.js";
import { defaultBus } from "./default-bus.js";
import { dispatchToHandlers } from "./dispatch.js";
import { eventInfo, type CallbackEventName, type CallbackEvents } from "./events.js";
import type { CallbackHandlerLike } from "./handler.js";

/** Options of `handleEvent` and `ahandleEvent`. */
export interface HandleEventOptions {
  /** Where failures and promises are reported, and whose traces order async calls (`defaultBus` if not given). */
  bus?: CallbackBus;
}

/**
 * Calls `event`'s method on every handler that wants it, reporting a failure and going on (a
 * `raiseError` handler's failure is thrown). Async calls are tracked by the bus's `flush()`;
 * nothing here waits.
 */
export function handleEvent<E extends CallbackEventName>(
  handlers: readonly CallbackHandlerLike[],
  event: E,
  payload: CallbackEvents[E],
  options: HandleEventOptions = {},
): void {
  void dispatchToHandlers(options.bus ?? defaultBus, handlers, eventInfo(event), payload, false);
}

/** `handleEvent` that settles when every handler's call has settled. */
export async function ahandleEvent<E extends CallbackEventName>(
  handlers: readonly CallbackHandlerLike[],
  event: E,
  payload: CallbackEvents[E],
  options: HandleEventOptions = {},
): Promise<void> {
  await dispatchToHandlers(options.bus ?? defaultBus, handlers, eventInfo(event), payload, true);
}
