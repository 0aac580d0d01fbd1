/**
 * The current callbacks of an async context: a manager or a run manager. `dispatchCustomEvent`
 * takes its parent run from here, and the Express middleware makes `req.callbacks` current
 * for the rest of the request.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { BaseCallbackManager } from "./callback-manager.js";
import type { BaseRunManager, Mode } from "./run-managers.js";

/** What an async context can hold as its current callbacks. */
export type ContextCallbacks = BaseCallbackManager<Mode> | BaseRunManager<Mode>;

const storage = new AsyncLocalStorage<ContextCallbacks>();

/** Runs `fn` with `callbacks` as the current callbacks of its async context (and everything it awaits). */
export function runWithCallbacks<T>(callbacks: ContextCallbacks, fn: () => T): T {
  return storage.run(callbacks, fn);
}

/** The current callbacks of this async context, if any. */
export function currentCallbacks(): ContextCallbacks | undefined {
  return storage.getStore();
}
