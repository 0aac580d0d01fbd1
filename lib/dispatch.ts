/**
 * The one generic path from an event to handler methods: ignore flags, the chat-model
 * fallback, error isolation (`raiseError` aside), `runInline` order, and per-trace ordering
 * of each handler's async calls (conformance 16, 17).
 */
import { isPromiseLike } from "./emitter.js";
import { EVENT_INFO, eventInfo, payloadToArgs, type CallbackEventName, type CallbackEvents, type EventInfo } from "./events.js";
import { handlerName, type CallbackHandlerLike } from "./handler.js";
import { getBufferString } from "./messages.js";
import { adaptLangChainStart, adaptsLangChainStart } from "./langchain-tracers.js";
import type { ChatModelStartEvent } from "./events.js";

/** What handler dispatch needs from its bus: a trace to order by, and somewhere to report. */
export interface DispatchHost {
  traceOf(runId: string, parentRunId: string | undefined): string;
  /** `unclaimed`: a `raiseError` failure that no caller awaited; `flush()` rejects with it. */
  handlerFailed(error: unknown, handler: CallbackHandlerLike, info: EventInfo, payload: { runId: string }, unclaimed: boolean): void;
  track(promise: PromiseLike<unknown>, event: string, payload: unknown): void;
}

type Method = (...args: unknown[]) => unknown;
type RunPayload = { runId: string; parentRunId?: string };

/** Per handler, per trace: the promise of its last call. A call of that trace starts after it. */
const tails = new WeakMap<object, Map<string, Promise<void>>>();
/** How many calls are queued or running in `tails`; while none is, no call needs to look there. */
let queuedCalls = 0;

/** The method a handler has for an event, with LangChain's chat-model fallback to `handleLLMStart`. */
export function handlerMethod(handler: CallbackHandlerLike, info: EventInfo): Method | undefined {
  const own = info.methodOf(handler);
  if (own !== undefined || info.name !== "chatModelStart") return own;
  return EVENT_INFO.llmStart!.methodOf(handler);
}

/** True when a handler takes part in an event at all. */
export function handlerWants(handler: CallbackHandlerLike, info: EventInfo): boolean {
  return handlerMethod(handler, info) !== undefined;
}

/** True when a chat-model start goes to the handler's `handleLLMStart` (it has no `handleChatModelStart`). */
function isChatFallback(info: EventInfo, method: Method, handler: CallbackHandlerLike): boolean {
  return info.name === "chatModelStart" && method !== (handler as Record<string, unknown>).handleChatModelStart;
}

/** True when a start's arguments differ from the payload's: the chat-model fallback, a LangChain.js tracer. */
function needsArgs(info: EventInfo, method: Method, handler: CallbackHandlerLike, payload: object): boolean {
  if (info.phase !== "start") return false;
  return isChatFallback(info, method, handler) || adaptsLangChainStart(handler, info, payload);
}

/** The arguments of a call that is made later or adapted first; `args` are fixed at emit time. */
function argsFor(info: EventInfo, method: Method, handler: CallbackHandlerLike, payload: object): unknown[] {
  if (isChatFallback(info, method, handler)) {
    const p = payload as ChatModelStartEvent;
    const prompts = p.messages.map((list) => getBufferString(list));
    return payloadToArgs(EVENT_INFO.llmStart!, { ...p, prompts });
  }
  const args = payloadToArgs(info, payload);
  // LangChain.js's tracers create their run first, as its manager does (langchain-tracers.ts).
  if (info.phase === "start") adaptLangChainStart(handler, info, args);
  return args;
}

/**
 * Calls one handler for one event. Returns a promise when the call is (or waits to be)
 * asynchronous; it rejects only for a `raiseError` handler, and the bus tracks it for `flush()`.
 * `after` delays the call (a `runInline` handler still working). With `wait`, a `raiseError`
 * handler's rejection is returned to the caller; without it, `flush()` rejects with it instead.
 */
export function callHandler(
  host: DispatchHost,
  handler: CallbackHandlerLike,
  info: EventInfo,
  payload: RunPayload,
  wait: boolean,
  after?: Promise<unknown>,
): Promise<void> | undefined {
  const method = handlerMethod(handler, info);
  if (method === undefined) return undefined;
  const raise = handler.raiseError === true;

  // The trace orders a handler's async calls; it is looked up only when a call is async.
  let queue: Map<string, Promise<void>> | undefined;
  let traceId: string | undefined;
  let previous: Promise<void> | undefined;
  if (queuedCalls !== 0 && (queue = tails.get(handler)) !== undefined) {
    traceId = host.traceOf(payload.runId, payload.parentRunId);
    previous = queue.get(traceId);
  }

  let outcome: Promise<unknown>;
  if (previous === undefined && after === undefined) {
    let result: unknown;
    try {
      // The common case: a call made now, straight from the payload, without an argument array.
      result = needsArgs(info, method, handler, payload) ? method.apply(handler, argsFor(info, method, handler, payload)) : info.invoke(method, handler, payload);
    } catch (error) {
      host.handlerFailed(error, handler, info, payload, false);
      if (raise) throw error;
      return undefined;
    }
    if (!isPromiseLike(result)) return undefined;
    outcome = Promise.resolve(result);
  } else {
    const args = argsFor(info, method, handler, payload);
    const start = previous !== undefined && after !== undefined ? Promise.all([previous, after]) : (previous ?? after)!;
    outcome = start.then(() => method.apply(handler, args));
  }

  // The tail never rejects: the next call of the trace starts whatever this one did.
  const tail: Promise<void> = outcome.then(
    () => undefined,
    (error: unknown) => host.handlerFailed(error, handler, info, payload, raise && !wait),
  );
  traceId ??= host.traceOf(payload.runId, payload.parentRunId);
  if (queue === undefined && (queue = tails.get(handler)) === undefined) tails.set(handler, (queue = new Map()));
  if (!queue.has(traceId)) queuedCalls++;
  queue.set(traceId, tail);
  const calls = queue;
  const trace = traceId;
  void tail.then(() => {
    if (calls.get(trace) !== tail) return;
    calls.delete(trace);
    queuedCalls--;
  });
  host.track(tail, info.name, payload);
  return raise && wait ? outcome.then(() => undefined) : tail;
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
  let waits: Promise<void>[] | undefined;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < handlers.length; i++) {
      const handler = handlers[i];
      if ((handler.runInline === true) !== (pass === 0)) continue;
      const call = callHandler(host, handler, info, payload, wait, inline);
      if (call === undefined) continue;
      if (pass === 0) inline = call.catch(() => undefined);
      if (wait) (waits ??= []).push(call);
    }
  }
  if (waits === undefined) return wait ? Promise.resolve() : undefined;
  return Promise.all(waits).then(() => undefined);
}

/** Options of the exported dispatchers. */
export interface HandleEventOptions {
  /** Where failures and promises are reported and which runs are known (`defaultBus` if not given). */
  bus?: DispatchHost;
}

let fallbackHost: () => DispatchHost;
/** @internal The bus module names the default host, without an import cycle. */
export function setDefaultDispatchHost(get: () => DispatchHost): void {
  fallbackHost = get;
}

/**
 * Python's `handle_event`: calls `event`'s method on every handler that wants it, reporting a
 * failure and going on (a `raiseError` handler's failure is thrown). Async calls are tracked
 * by the bus's `flush()`; nothing here waits.
 */
export function handleEvent<E extends CallbackEventName>(
  handlers: readonly CallbackHandlerLike[],
  event: E,
  payload: CallbackEvents[E],
  options: HandleEventOptions = {},
): void {
  const host = options.bus ?? fallbackHost();
  dispatchToHandlers(host, handlers, eventInfo(event), payload, false);
}

/** Python's `ahandle_event`: the same, settling when every handler's call has settled. */
export async function ahandleEvent<E extends CallbackEventName>(
  handlers: readonly CallbackHandlerLike[],
  event: E,
  payload: CallbackEvents[E],
  options: HandleEventOptions = {},
): Promise<void> {
  const host = options.bus ?? fallbackHost();
  await dispatchToHandlers(host, handlers, eventInfo(event), payload, true);
}

/** Formats a handler failure the way LangChain.js logs it. */
export function describeHandlerFailure(handler: CallbackHandlerLike, info: EventInfo, error: unknown): string {
  return `callbus: error in handler ${handlerName(handler)}, ${info.method}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
}
