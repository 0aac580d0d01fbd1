/**
 * The current callbacks of an async context: a manager or a run manager. `dispatchCustomEvent`
 * takes its parent run from here, and the Express middleware makes `req.callbacks` current
 * for the rest of the request.
 *
 * A run manager is current, by itself, while its handlers run (for every event of the run,
 * its start included): in their own code, and across every await of a handler method that
 * is an async function. User code makes a run current for its own body, and everything it
 * awaits, with `runWithCallbacks(runManager, () => ...)`.
 *
 * Two layers, for speed: entering an AsyncLocalStorage context costs more than dispatching an
 * event (and, once entered, taxes every promise the process makes), so the run being dispatched
 * is held in a plain variable while its handlers run, and AsyncLocalStorage is entered only for
 * the handler calls that can await: async methods, and `runWithCallbacks`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CallbackBus } from "./bus.js";
import type { BaseCallbackManager, BaseRunManager, Mode } from "./callback-manager.js";
import type { EventInfo } from "./events.js";
import type { CallbackHandlerLike } from "./handler.js";

/** What an async context can hold as its current callbacks. */
export type ContextCallbacks = BaseCallbackManager<Mode> | BaseRunManager<Mode>;

const storage = new AsyncLocalStorage<ContextCallbacks>();

/**
 * The callbacks whose event is being dispatched, while its handlers and listeners run
 * synchronously: set and restored around each dispatch, so no code that runs later sees it.
 */
let dispatching: ContextCallbacks | undefined;

// eslint-disable-next-line @typescript-eslint/require-await -- only its constructor is wanted
const AsyncFunction = (async () => undefined).constructor;

/**
 * Runs `fn` with `callbacks` as the current callbacks of its async context: in `fn`, and in
 * everything it calls or awaits, `currentCallbacks()` returns them and `dispatchCustomEvent`
 * takes its parent run from them. Returns what `fn` returns.
 *
 * @example
 * ```ts
 * const run = manager.handleChainStart({ name: "job" }, {});
 * await runWithCallbacks(run, async () => {
 *   dispatchCustomEvent("progress", { done: 1 }); // an event of `run`
 * });
 * ```
 */
export function runWithCallbacks<T>(callbacks: ContextCallbacks, fn: () => T): T {
  if (callbacks === null || typeof callbacks !== "object" || typeof (callbacks as { handlers?: unknown }).handlers !== "object") {
    throw new TypeError(`callbus: runWithCallbacks() needs a callback manager or a run manager, got ${describe(callbacks)}`);
  }
  if (typeof fn !== "function") throw new TypeError(`callbus: runWithCallbacks() needs a function to run, got ${describe(fn)}`);
  // Inside a handler, `fn` has `callbacks`, not the run being dispatched around it.
  const outer = dispatching;
  dispatching = undefined;
  try {
    return storage.run(callbacks, fn);
  } finally {
    dispatching = outer;
  }
}

/** The current callbacks of this async context, if any. */
export function currentCallbacks(): ContextCallbacks | undefined {
  return dispatching ?? storage.getStore();
}

/** @internal `bus.dispatch` with `callbacks` current while the handlers and listeners run. */
export function dispatchAsCurrent(
  callbacks: ContextCallbacks,
  bus: CallbackBus,
  info: EventInfo,
  payload: { runId: string; parentRunId?: string },
  handlers: readonly CallbackHandlerLike[],
  wait: boolean,
  derivedName = false,
): Promise<void> | undefined {
  const outer = dispatching;
  dispatching = callbacks;
  try {
    return bus.dispatch(info, payload, handlers, wait, derivedName);
  } finally {
    dispatching = outer;
  }
}

/** @internal The callbacks of the event being dispatched, for a handler call made later (queued). */
export function dispatchingCallbacks(): ContextCallbacks | undefined {
  return dispatching;
}

/**
 * @internal Calls a handler's method now, through `call(a, b, c, d, e)`, inside a dispatch: the
 * callbacks of the event are current already while it runs; an async function also keeps them
 * across its awaits.
 */
export function callNow<A, B, C, D, E, R>(method: unknown, call: (a: A, b: B, c: C, d: D, e: E) => R, a: A, b: B, c: C, d: D, e: E): R {
  if (dispatching !== undefined && isAsyncFunction(method)) return storage.run(dispatching, call, a, b, c, d, e);
  return call(a, b, c, d, e);
}

/**
 * @internal Calls a handler's method later (a queued call) with `callbacks`, those of its
 * event, current: an async function keeps them across its awaits; any other method sees them
 * while it runs.
 */
export function applyAsCurrent(callbacks: ContextCallbacks | undefined, method: (...args: unknown[]) => unknown, handler: object, args: unknown[]): unknown {
  if (callbacks === undefined) return method.apply(handler, args);
  if (isAsyncFunction(method)) return storage.run(callbacks, () => method.apply(handler, args));
  const outer = dispatching;
  dispatching = callbacks;
  try {
    return method.apply(handler, args);
  } finally {
    dispatching = outer;
  }
}

function isAsyncFunction(method: unknown): boolean {
  return (method as { constructor?: unknown }).constructor === AsyncFunction;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`;
  return typeof value;
}
