/**
 * The one generic path from an event to handler methods: ignore flags, the chat-model
 * fallback, error isolation (`raiseError` aside), `runInline` order, and per-trace ordering
 * of each handler's async calls (docs/behaviours.md, "Handler semantics").
 */
import { applyAsCurrent, callNow, dispatchingCallbacks } from "./async-context.js";
import { isPromiseLike } from "./emitter.js";
import { EVENT_INFO, type EventInfo } from "./events.js";
import type { ChatModelStartEvent } from "./events.js";
import { handlerName, type CallbackHandlerLike } from "./handler.js";
import { getBufferString } from "./messages.js";
import { adaptLangChainStart, adaptsLangChainStart, tracerNeedsRunName } from "./langchain-tracers.js";
import type { TraceQueues } from "./trace-queues.js";
import type { CallOutcome, PendingCall, PendingCalls } from "./pending-calls.js";

/** What handler dispatch needs from its bus: its queues, its pending calls, a trace to order by, and somewhere to report. */
export interface DispatchHost {
  readonly queues: TraceQueues;
  readonly calls: PendingCalls;
  traceOf(runId: string, parentRunId: string | undefined): string;
  /** True while `payload`, a start whose run name callbus derived (none was given), is being dispatched. */
  hasDerivedName(payload: object): boolean;
  /** `unclaimed`: a `raiseError` failure that no caller awaited; `flush()` rejects with it. */
  handlerFailed(error: unknown, handler: CallbackHandlerLike, info: EventInfo, payload: { runId: string; parentRunId?: string }, unclaimed: boolean): void;
}

type Method = (...args: unknown[]) => unknown;
type RunPayload = { runId: string; parentRunId?: string };

/** What an awaited dispatch returns when no call is left to wait for: one settled promise, shared. */
export const SETTLED: Promise<void> = Promise.resolve();

/** The method a handler has for an event, with LangChain's chat-model fallback to `handleLLMStart`. */
export function handlerMethod(handler: CallbackHandlerLike, info: EventInfo): Method | undefined {
  const own = info.methodOf(handler);
  // A handler that ignores chat models gets no fallback either (Python's `ignore_chat_model`).
  if (own !== undefined || info.name !== "chatModelStart" || handler.ignoreChatModel === true) return own;
  return EVENT_INFO.llmStart.methodOf(handler);
}

/** True when a handler takes part in an event at all. */
export function handlerWants(handler: CallbackHandlerLike, info: EventInfo): boolean {
  return handlerMethod(handler, info) !== undefined;
}

/** True when a chat-model start goes to the handler's `handleLLMStart` (it has no `handleChatModelStart`). */
function isChatFallback(info: EventInfo, method: Method, handler: CallbackHandlerLike): boolean {
  return info.name === "chatModelStart" && method !== (handler as Record<string, unknown>).handleChatModelStart;
}

/**
 * True when a start's arguments are adapted, not read from the payload as they are: the
 * chat-model fallback, a LangChain.js handler (a tracer, a tool input to stringify).
 */
function isAdapted(info: EventInfo, method: Method, handler: CallbackHandlerLike, payload: object): boolean {
  return info.phase === "start" && (isChatFallback(info, method, handler) || adaptsLangChainStart(handler, info, payload));
}

/** The arguments of a call that is made later or adapted first; `args` are fixed at emit time. */
function argsFor(host: DispatchHost, info: EventInfo, method: Method, handler: CallbackHandlerLike, payload: object): unknown[] {
  if (info.phase !== "start") return info.args(payload);
  // A handler gets a run name only when one was given, as from LangChain (run-name.ts), unless
  // it is a LangChain.js tracer that could not name the run itself.
  const unnamed = host.hasDerivedName(payload) && !tracerNeedsRunName(handler, payload);
  if (isChatFallback(info, method, handler)) {
    const p = payload as ChatModelStartEvent;
    const prompts = p.messages.map((list) => getBufferString(list));
    return EVENT_INFO.llmStart.args({ ...p, prompts }, unnamed);
  }
  const args = info.args(payload, unnamed);
  // LangChain.js's tracers create their run first, as its manager does (langchain-tracers.ts).
  adaptLangChainStart(handler, info, args);
  return args;
}

/** A call made now: in the common case straight from the payload, without an argument array. */
function invokeNow(host: DispatchHost, info: EventInfo, method: Method, handler: CallbackHandlerLike, payload: object): unknown {
  if (isAdapted(info, method, handler, payload)) return method.apply(handler, argsFor(host, info, method, handler, payload));
  return info.invoke(method, handler, payload, info.phase === "start" && host.hasDerivedName(payload));
}

/**
 * Calls one handler for one event. Returns a promise when the call is (or waits to be)
 * asynchronous; it rejects only for a `raiseError` handler, and the bus tracks it for `flush()`
 * (and gives it up after `handlerTimeoutMs`). `after` delays the call (a `runInline` handler
 * still working). With `wait`, a `raiseError` handler's failure is returned to the caller;
 * without it, `flush()` rejects with it instead.
 */
export function callHandler(
  host: DispatchHost,
  handler: CallbackHandlerLike,
  info: EventInfo,
  payload: RunPayload,
  wait: boolean,
  after?: Promise<unknown>,
): Promise<unknown> | undefined {
  const method = handlerMethod(handler, info);
  if (method === undefined) return undefined;
  const raise = handler.raiseError === true;

  // The trace orders a handler's async calls; it is looked up only when a call is async.
  let queue: ReturnType<TraceQueues["of"]>;
  let traceId: string | undefined;
  let previous: Promise<unknown> | undefined;
  const { queues } = host;
  if (!queues.idle && (queue = queues.of(handler)) !== undefined) {
    traceId = host.traceOf(payload.runId, payload.parentRunId);
    previous = queue.get(traceId);
  }

  let outcome: Promise<unknown>;
  // A queued call's time starts when it begins, not when it is queued.
  let queued: PendingCall | undefined;
  if (previous === undefined && after === undefined) {
    let result: unknown;
    try {
      result = callNow(method, invokeNow, host, info, method, handler, payload);
    } catch (error) {
      host.handlerFailed(error, handler, info, payload, false);
      if (raise) throw error;
      return undefined;
    }
    if (!isPromiseLike(result)) return undefined;
    outcome = Promise.resolve(result);
  } else {
    const args = argsFor(host, info, method, handler, payload);
    // The call is made later, but with the callbacks of this event current, as if made now.
    const callbacks = dispatchingCallbacks();
    // At least one of them is set (the other branch took the case of neither).
    const start = previous !== undefined && after !== undefined ? Promise.all([previous, after]) : (previous ?? after ?? Promise.resolve());
    outcome = start.then(() => {
      if (queued !== undefined) host.calls.restart(queued);
      return applyAsCurrent(callbacks, method, handler, args);
    });
  }

  traceId ??= host.traceOf(payload.runId, payload.parentRunId);
  const waits = previous !== undefined || after !== undefined;
  const call = host.calls.track(outcome, traceId, info.name, payload.runId, handler, (error) => host.handlerFailed(error, handler, info, payload, raise && !wait), waits);
  if (waits) queued = call;
  // `done` never rejects: the next call of the trace starts whatever this one did.
  queues.push(handler, traceId, call.done, queue);
  return raise && wait ? call.done.then(rethrow) : call.done;
}

/** Turns a failed call's outcome back into a rejection, for the caller of a `raiseError` handler. */
function rethrow(outcome: CallOutcome): void {
  // The handler's own failure, unchanged, whatever it threw.
  if (outcome !== undefined) throw outcome.error;
}

/**
 * Calls every handler for one event: `runInline` handlers first, one after another, then the
 * others, which start at once (or, if an inline handler went async, right after it).
 * With `wait`, returns a promise of every call; otherwise nothing is awaited here.
 */
export function dispatchToHandlers(
  host: DispatchHost,
  handlers: readonly CallbackHandlerLike[],
  info: EventInfo,
  payload: RunPayload,
  wait: boolean,
): Promise<void> | undefined {
  let inline: Promise<unknown> | undefined;
  let waits: Promise<unknown>[] | undefined;
  // A raiseError handler's throw is handed to the caller after every other handler had the event.
  let raised: { error: unknown } | undefined;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < handlers.length; i++) {
      const handler = handlers[i];
      if ((handler.runInline === true) !== (pass === 0)) continue;
      let call: Promise<unknown> | undefined;
      try {
        call = callHandler(host, handler, info, payload, wait, inline);
      } catch (error) {
        raised ??= { error };
        continue;
      }
      if (call === undefined) continue;
      if (pass === 0) inline = call.catch(() => undefined);
      if (wait) (waits ??= []).push(call);
    }
  }
  if (raised !== undefined) throw raised.error;
  if (waits === undefined) return wait ? SETTLED : undefined;
  return Promise.all(waits).then(() => undefined);
}

/** Formats a handler failure the way LangChain.js logs it. */
export function describeHandlerFailure(handler: CallbackHandlerLike, info: EventInfo, error: unknown): string {
  return `callbus: error in handler ${handlerName(handler)}, ${info.method}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
}
