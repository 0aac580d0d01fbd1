/**
 * `bus.asLangChainHandler()`: a LangChain.js callback handler, as a plain object, that puts every
 * callback LangChain.js makes onto a bus as the matching typed event, in LangChain's order, with
 * its run ids, parent ids, tags, metadata and names. callbus does not import `@langchain/core`:
 * the object is shaped to be accepted by its `callbacks` option as it is.
 */
import type { CallbackBus } from "./bus.js";
import { ALL_EVENT_NAMES, argsToPayload, eventInfo, type CallbackEventName, type EventInfo, type RunStartEvent } from "./events.js";
import type { CallbackHandlerLike, CallbackHandlerMethods } from "./handler.js";

/** Options of `bus.asLangChainHandler()`. */
export interface LangChainHandlerOptions {
  /**
   * The events to put on the bus (all of them when not given). The end of a run whose start
   * was forwarded is always forwarded too, so that the bus frees the run's state and scopes.
   */
  events?: readonly CallbackEventName[];
  /** Merged into every payload's `metadata`; these keys win over the run's own. */
  metadata?: Record<string, unknown>;
  /** The handler's name, which LangChain.js uses in its warnings (default `"callbus"`). */
  name?: string;
  /**
   * Sets LangChain.js's `lc_prefer_streaming`: a chat model or LLM called with `invoke()`
   * then streams internally, so `llmNewToken` events arrive for `invoke()` too. Off by default:
   * attaching the bus should not change how a model is called.
   */
  preferStreaming?: boolean;
  /**
   * Sets LangChain.js's `lc_prefer_chat_model_stream_events`: chat models that support it then
   * report content-block `chatModelStreamEvent` events instead of `llmNewToken`. Off by default.
   */
  preferChatModelStreamEvents?: boolean;
}

/** Every handler method, each one present: what LangChain.js calls. */
type AllMethods = { [K in keyof CallbackHandlerMethods]-?: NonNullable<CallbackHandlerMethods[K]> };

/**
 * The handler `asLangChainHandler()` returns. Its methods are synchronous: each puts its event on
 * the bus and returns; the bus tracks listeners that are still working (see `bus.flush()`).
 */
export interface LangChainHandler extends AllMethods {
  readonly name: string;
  /** LangChain.js then calls the handler inline, in the order of its runs. */
  readonly awaitHandlers: true;
  readonly raiseError: false;
  readonly ignoreLLM: false;
  readonly ignoreChain: false;
  readonly ignoreAgent: false;
  readonly ignoreRetriever: false;
  readonly ignoreCustomEvent: false;
  readonly lc_prefer_streaming: boolean;
  readonly lc_prefer_chat_model_stream_events: boolean;
  /** The handler itself: it holds no state of its own worth copying (LangChain.js calls `copy()`). */
  copy(): LangChainHandler;
}

const NO_HANDLERS: readonly CallbackHandlerLike[] = Object.freeze([]);

/** Builds the handler of `bus.asLangChainHandler()`. */
export function createLangChainHandler(bus: CallbackBus, options: LangChainHandlerOptions = {}): LangChainHandler {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`callbus: asLangChainHandler() takes an options object, got ${options === null ? "null" : typeof options}`);
  }
  const { events, metadata, name = "callbus" } = options;
  if (events !== undefined && !Array.isArray(events)) {
    throw new TypeError(`callbus: asLangChainHandler() option "events" must be an array of event names, got ${typeof events}`);
  }
  if (metadata !== undefined && (metadata === null || typeof metadata !== "object" || Array.isArray(metadata))) {
    throw new TypeError(`callbus: asLangChainHandler() option "metadata" must be an object, got ${metadata === null ? "null" : Array.isArray(metadata) ? "an array" : typeof metadata}`);
  }
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`callbus: asLangChainHandler() option "name" must be a non-empty string`);
  }
  // eventInfo() throws a TypeError naming an unknown event and listing the known ones.
  const wanted = events === undefined ? undefined : new Set(events.map((e) => eventInfo(e).name));
  const extraMetadata = metadata !== undefined && Object.keys(metadata).length > 0 ? { ...metadata } : undefined;
  // Only when some events are filtered out: runs whose start went to the bus, to end them there.
  const forwarded = wanted === undefined ? undefined : new Set<string>();

  const forward = (info: EventInfo, runIdAt: number, args: unknown[]): void => {
    const runId = args[runIdAt];
    if (wanted !== undefined && !wanted.has(info.name)) {
      if (info.phase !== "end" || typeof runId !== "string" || !forwarded!.has(runId)) return;
    }
    const payload = argsToPayload(info.name, args);
    if (info.phase === "start") {
      const start = payload as RunStartEvent;
      start.name ??= start.serialized?.name ?? start.serialized?.id?.[start.serialized.id.length - 1];
    }
    if (extraMetadata !== undefined) payload.metadata = { ...payload.metadata, ...extraMetadata };
    bus.dispatch(info, payload, NO_HANDLERS, false);
    if (forwarded !== undefined && typeof runId === "string") {
      if (info.phase === "start") forwarded.add(runId);
      else if (info.phase === "end") forwarded.delete(runId);
    }
  };

  const handler: Record<string, unknown> = {
    name,
    awaitHandlers: true,
    raiseError: false,
    ignoreLLM: false,
    ignoreChain: false,
    ignoreAgent: false,
    ignoreRetriever: false,
    ignoreCustomEvent: false,
    lc_prefer_streaming: options.preferStreaming === true,
    lc_prefer_chat_model_stream_events: options.preferChatModelStreamEvents === true,
    copy: () => handler,
  };
  for (const event of ALL_EVENT_NAMES) {
    const info = eventInfo(event);
    const runIdAt = info.params.indexOf("runId");
    handler[info.method] = (...args: unknown[]): void => forward(info, runIdAt, args);
  }
  return handler as unknown as LangChainHandler;
}
