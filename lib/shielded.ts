/**
 * `shielded` (Python's `shielded` decorator): async work that must finish, such as the end
 * callbacks of a run, even when whoever started it gives up. Python shields the coroutine from
 * task cancellation; JavaScript has no task cancellation, only `AbortSignal`s passed by hand,
 * so here shielding means that no abort signal reaches the work and nothing stops waiting for it.
 */
import { currentCallbacks } from "./async-context.js";
import type { CallbackBus } from "./bus.js";
import { defaultBus } from "./default-bus.js";

/** Options of `shielded`. */
export interface ShieldedOptions {
  /** The bus whose `flush()` waits for the work (the current run's bus, else `defaultBus`). */
  bus?: CallbackBus;
}

const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * Wraps an async function so that each call runs to the end whatever its caller aborts:
 *
 * - an `AbortSignal` argument is replaced by a signal that never aborts, and a plain-object
 *   argument with a `signal` property (an options or config object) is passed as a shallow
 *   copy without it, so the work cannot see the caller's abort;
 * - the returned promise settles only when the work has settled, with its value or error;
 * - the work is registered with the bus, so `bus.flush()` waits for it even when nobody
 *   awaits the call (a failure still reaches whoever awaits the returned promise);
 * - it runs in the caller's async context, so the current run is the caller's.
 *
 * @example
 * ```ts
 * const end = shielded(async (run: AsyncCallbackManagerForChainRun, outputs: ChainValues) => {
 *   await run.handleChainEnd(outputs);
 * });
 * ```
 */
export function shielded<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, options: ShieldedOptions = {}): (...args: A) => Promise<R> {
  if (typeof fn !== "function") throw new TypeError(`callbus: shielded() needs a function to wrap, got ${fn === null ? "null" : typeof fn}`);
  const wrapped = function (this: unknown, ...args: A): Promise<R> {
    const bus = options.bus ?? currentCallbacks()?.bus ?? defaultBus;
    let work: Promise<R>;
    try {
      work = Promise.resolve(fn.apply(this, args.map(withoutSignal) as A));
    } catch (error) {
      work = Promise.reject(error);
    }
    // Tracked for flush() only; the failure belongs to the caller, not to the listener report.
    bus.track(work.then(noop, noop), "shielded", undefined);
    return work;
  };
  Object.defineProperty(wrapped, "name", { value: fn.name === "" ? "shielded" : `shielded ${fn.name}` });
  return wrapped;
}

function noop(): void {}

function withoutSignal(arg: unknown): unknown {
  if (arg instanceof AbortSignal) return NEVER_ABORTED;
  if (arg === null || typeof arg !== "object" || Array.isArray(arg)) return arg;
  const proto: unknown = Object.getPrototypeOf(arg);
  if ((proto !== Object.prototype && proto !== null) || !((arg as { signal?: unknown }).signal instanceof AbortSignal)) return arg;
  const { signal: _signal, ...rest } = arg as { signal?: AbortSignal };
  return rest;
}
