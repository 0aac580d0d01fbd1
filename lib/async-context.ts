/**
 * The current callbacks of an async context: a manager or a run manager. `dispatchCustomEvent`
 * takes its parent run from here, and the Express middleware makes `req.callbacks` current
 * for the rest of the request.
 *
 * A run manager is current, by itself, while its handlers run (for every event of the run,
 * its start included) and in everything those handlers await. User code makes a run current
 * for its own body with `runWithCallbacks(runManager, () => ...)`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CallbackBus } from "./bus.js";
import type { BaseCallbackManager } from "./callback-manager.js";
import type { EventInfo } from "./events.js";
import type { CallbackHandlerLike } from "./handler.js";
import type { BaseRunManager, Mode } from "./callback-manager.js";

/** What an async context can hold as its current callbacks. */
export type ContextCallbacks = BaseCallbackManager<Mode> | BaseRunManager<Mode>;

const storage = new AsyncLocalStorage<ContextCallbacks>();

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
  return storage.run(callbacks, fn);
}

/** The current callbacks of this async context, if any. */
export function currentCallbacks(): ContextCallbacks | undefined {
  return storage.getStore();
}

function dispatchOn(
  bus: CallbackBus,
  info: EventInfo,
  payload: { runId: string; parentRunId?: string },
  handlers: readonly CallbackHandlerLike[],
  wait: boolean,
  derivedName: boolean,
): Promise<void> | undefined {
  return bus.dispatch(info, payload, handlers, wait, derivedName);
}

/**
 * @internal `bus.dispatch` with `callbacks` current while the handlers run. Without handlers
 * no code of the run's own can look at the context, so the event goes out as it is: the hot
 * path allocates nothing and enters no context.
 */
export function dispatchAsCurrent(
  callbacks: ContextCallbacks,
  bus: CallbackBus,
  info: EventInfo,
  payload: { runId: string; parentRunId?: string },
  handlers: readonly CallbackHandlerLike[],
  wait: boolean,
  derivedName = false,
): Promise<void> | undefined {
  if (handlers.length === 0) return bus.dispatch(info, payload, handlers, wait, derivedName);
  return storage.run(callbacks, dispatchOn, bus, info, payload, handlers, wait, derivedName);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`;
  return typeof value;
}
