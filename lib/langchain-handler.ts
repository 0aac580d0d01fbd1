/**
 * `bus.asLangChainHandler()` and `manager.asLangChainHandler()`: a LangChain.js callback handler,
 * as a plain object, that puts every callback LangChain.js makes onto a bus as the matching typed
 * event, in LangChain's order, with its run ids, parent ids, tags, metadata and names (a run's
 * start metadata and tags on each of its later events too); a manager's also nests the runs
 * under its parent run and calls its handlers. callbus does not import `@langchain/core`: the
 * object is shaped to be accepted by its `callbacks` option as it is.
 */
import type { CallbackBus } from "./bus.js";
import { ALL_EVENT_NAMES, argsToPayload, eventInfo, type CallbackEventName, type EventInfo, type RunEvent, type RunStartEvent } from "./events.js";
import type { CallbackHandlerLike, CallbackHandlerMethods } from "./handler.js";
import { nameRun } from "./run-name.js";

/** Options of `bus.asLangChainHandler()` and `manager.asLangChainHandler()`. */
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

/** Every handler method, each one present and synchronous: what LangChain.js calls. */
type AllMethods = { [K in keyof CallbackHandlerMethods]-?: (...args: Parameters<NonNullable<CallbackHandlerMethods[K]>>) => void };

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
  /** The handler itself: LangChain.js calls `copy()` for each call's config, and every copy must see the same open runs. */
  copy(): LangChainHandler;
}

const NO_HANDLERS: readonly CallbackHandlerLike[] = Object.freeze([]);

/**
 * Where a manager's `asLangChainHandler()` puts LangChain.js's runs: a LangChain.js root run
 * becomes a child of `parentRunId` with the manager's handlers, tags and metadata; its
 * descendants get the inheritable ones, as child runs of a callbus run do.
 */
export interface LangChainParent {
  readonly parentRunId: string | undefined;
  readonly handlers: readonly CallbackHandlerLike[];
  readonly inheritableHandlers: readonly CallbackHandlerLike[];
  readonly tags: readonly string[];
  readonly inheritableTags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly inheritableMetadata: Readonly<Record<string, unknown>>;
}

/** What the handler keeps of a run between its start and its end. */
interface OpenRun {
  readonly parentRunId: string | undefined;
  readonly tags: string[];
  readonly metadata: Record<string, unknown>;
  readonly handlers: readonly CallbackHandlerLike[];
  /** False when the start was filtered out by the `events` option. */
  readonly forwarded: boolean;
}

/**
 * Runs open at once that one handler remembers. A run LangChain.js never ends (an abandoned
 * stream, say) is forgotten once this many newer runs are open; its later events then carry
 * only what LangChain.js passes with them.
 */
const MAX_OPEN_RUNS = 10_000;

function union(base: readonly string[], extra: readonly string[]): string[] {
  return base.length === 0 ? extra.slice() : extra.length === 0 ? base.slice() : [...new Set([...base, ...extra])];
}

/** Builds the handler of `bus.asLangChainHandler()`, or with `parent`, of a manager's `asLangChainHandler()`. */
export function createLangChainHandler(bus: CallbackBus, options: LangChainHandlerOptions = {}, parent?: LangChainParent): LangChainHandler {
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
  const wanted = events === undefined ? undefined : new Set(events.map((e: string) => eventInfo(e).name));
  const extraMetadata = metadata !== undefined && Object.keys(metadata).length > 0 ? { ...metadata } : undefined;
  // LangChain.js passes a run's tags and metadata only with its start: kept here until its end.
  const open = new Map<string, OpenRun>();

  /** Where a run goes: its parent, tags, metadata and handlers, from its start payload. */
  const place = (payload: RunEvent, forwarded: boolean): OpenRun => {
    const root = payload.parentRunId === undefined;
    let metadata = payload.metadata;
    if (parent === undefined) {
      if (extraMetadata !== undefined) metadata = { ...metadata, ...extraMetadata };
      return { parentRunId: payload.parentRunId, tags: payload.tags, metadata, handlers: NO_HANDLERS, forwarded };
    }
    metadata = { ...(root ? parent.metadata : parent.inheritableMetadata), ...metadata, ...extraMetadata };
    return {
      parentRunId: root ? parent.parentRunId : payload.parentRunId,
      tags: union(root ? parent.tags : parent.inheritableTags, payload.tags),
      metadata,
      handlers: root ? parent.handlers : parent.inheritableHandlers,
      forwarded,
    };
  };

  const forward = (info: EventInfo, args: unknown[]): void => {
    const payload: RunEvent = argsToPayload(info.name, args);
    const { runId } = payload;
    const wantedHere = wanted === undefined || wanted.has(info.name);
    let run: OpenRun | undefined;
    if (info.phase === "start") {
      run = place(payload, wantedHere);
      if (typeof runId === "string") {
        open.set(runId, run);
        if (open.size > MAX_OPEN_RUNS) open.delete(open.keys().next().value as string);
      }
    } else {
      run = open.get(runId);
      if (info.phase === "end") open.delete(runId);
    }
    // The end of a run whose start went to the bus always goes too, so the bus frees the run.
    if (!wantedHere && !(info.phase === "end" && run?.forwarded === true)) return;
    run ??= place(payload, false);
    payload.parentRunId = run.parentRunId;
    payload.tags = run.tags;
    // Only a custom event brings metadata of its own after the start.
    payload.metadata = info.phase !== "start" && Object.keys(payload.metadata).length !== 0 ? { ...run.metadata, ...payload.metadata } : run.metadata;
    const derivedName = info.phase === "start" && nameRun(payload as RunStartEvent);
    void bus.dispatch(info, payload, run.handlers, false, derivedName);
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
    handler[info.method] = (...args: unknown[]): void => forward(info, args);
  }
  return handler as unknown as LangChainHandler;
}
