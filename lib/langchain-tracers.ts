/**
 * What LangChain.js's own manager does for LangChain.js handlers at the start of a run, done
 * the same way when callbus calls them:
 * - a tracer (`BaseTracer`: `RunCollectorCallbackHandler`, `ConsoleCallbackHandler`, ...) gets
 *   `_createRunFor…Start` synchronously, before its start method, so its run tree is built in
 *   event order even while its async calls wait their turn; it also keeps the chain's `extra`,
 *   which `BaseTracer.handleChainStart` alone drops;
 * - `handleToolStart` gets a tool input that is not a string as JSON text, while the tracer's
 *   run keeps the input as it is.
 */
import type { EventInfo } from "./events.js";
import type { CallbackHandlerLike } from "./handler.js";

type Method = (...args: unknown[]) => unknown;

/** Start event -> the method of LangChain.js's `BaseTracer` that creates the run. */
const CREATE_RUN: ReadonlyMap<string, string> = new Map([
  ["llmStart", "_createRunForLLMStart"],
  ["chatModelStart", "_createRunForChatModelStart"],
  ["chainStart", "_createRunForChainStart"],
  ["toolStart", "_createRunForToolStart"],
  ["retrieverStart", "_createRunForRetrieverStart"],
]);

/** LangChain.js's handlers are `Serializable`: they carry `lc_kwargs` and `toJSONNotImplemented()`. */
function isLangChainHandler(handler: object): boolean {
  return "lc_kwargs" in handler && typeof (handler as { toJSONNotImplemented?: unknown }).toJSONNotImplemented === "function";
}

/** The same test LangChain.js's `isBaseTracer` makes. */
function isTracer(handler: object): boolean {
  return typeof (handler as Record<string, unknown>)._addRunToRunMap === "function";
}

/** LangChain.js hands a tool's input to its handlers as text. */
function isToolInputToStringify(info: EventInfo, input: unknown): boolean {
  return info.name === "toolStart" && typeof input !== "string";
}

/**
 * True when a LangChain.js tracer needs callbus's derived run name: without a given name it
 * names a run by the last item of `serialized.id`, which LangChain.js always sets and a run
 * started from callbus (`{ name: "x" }`) may lack.
 */
export function tracerNeedsRunName(handler: CallbackHandlerLike, payload: object): boolean {
  const id = (payload as { serialized?: { id?: unknown } }).serialized?.id;
  return !(Array.isArray(id) && id.length !== 0) && isLangChainHandler(handler) && isTracer(handler);
}

/** True when `adaptLangChainStart` would do anything for this handler and start payload. */
export function adaptsLangChainStart(handler: CallbackHandlerLike, info: EventInfo, payload: object): boolean {
  return isLangChainHandler(handler) && (isTracer(handler) || isToolInputToStringify(info, (payload as { input?: unknown }).input));
}

/**
 * Called by the dispatcher with the arguments of a start method, just before the call is made
 * or queued; adjusts them in place for LangChain.js handlers and leaves other handlers alone.
 */
export function adaptLangChainStart(handler: CallbackHandlerLike, info: EventInfo, args: unknown[]): void {
  if (!isLangChainHandler(handler)) return;
  const tracer = handler as Record<string, unknown>;
  const create = CREATE_RUN.get(info.name);
  if (create !== undefined && isTracer(handler) && typeof tracer[create] === "function") {
    const known = typeof tracer.getRunById === "function" ? (tracer.getRunById as Method).call(handler, args[2]) : undefined;
    if (known === undefined) {
      try {
        (tracer[create] as Method).apply(handler, args);
      } catch {
        // The start method repeats the creation and reports the failure through the usual path.
      }
    }
  }
  if (isToolInputToStringify(info, args[1])) args[1] = JSON.stringify(args[1]);
}
