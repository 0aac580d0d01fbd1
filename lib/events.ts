/**
 * The one table every other part derives from: event name -> payload type -> handler method
 * -> ignore flag -> lifecycle phase -> the handler's positional arguments. Adding an event is
 * one payload interface and one row.
 */
import type {
  AgentAction,
  AgentFinish,
  ChainValues,
  ChatModelStreamEventLike,
  DocumentLike,
  GenerationLike,
  LLMResult,
  MessageLike,
  NewTokenIndices,
  RetryState,
  Serialized,
} from "./shapes.js";
import {
  compileEmitFrom,
  compileInvoke,
  compileMethodOf,
  readArgs,
  type EventSender,
  type Invoke,
  type MethodOf,
} from "./invoke.js";

/** Fields every payload carries. */
export interface RunEvent {
  runId: string;
  parentRunId?: string;
  tags: string[];
  metadata: Record<string, unknown>;
}

/** Fields of the events that start a run. */
export interface RunStartEvent extends RunEvent {
  serialized: Serialized;
  /** The run name: the given one, else `serialized.name`, else the last item of `serialized.id`. */
  name?: string;
}

export interface LLMStartEvent extends RunStartEvent {
  prompts: string[];
  extraParams?: Record<string, unknown>;
}
export interface ChatModelStartEvent extends RunStartEvent {
  messages: MessageLike[][];
  extraParams?: Record<string, unknown>;
}
export interface LLMNewTokenEvent extends RunEvent {
  token: string;
  idx: NewTokenIndices;
  chunk?: GenerationLike;
}
export interface LLMEndEvent extends RunEvent {
  output: LLMResult;
  extraParams?: Record<string, unknown>;
}
export interface LLMErrorEvent extends RunEvent {
  error: Error;
  extraParams?: Record<string, unknown>;
}
export interface ChainStartEvent extends RunStartEvent {
  inputs: ChainValues;
  runType?: string;
  extraParams?: Record<string, unknown>;
}
export interface ChainEndEvent extends RunEvent {
  outputs: ChainValues;
  inputs?: ChainValues;
}
export interface ChainErrorEvent extends RunEvent {
  error: Error;
  inputs?: ChainValues;
}
export interface ToolStartEvent extends RunStartEvent {
  input: string | Record<string, unknown>;
  toolCallId?: string;
}
/**
 * How printing handlers show an event (Python's `color`, `end`, `observation_prefix`,
 * `llm_prefix` keyword arguments). Handlers get them as one trailing object.
 */
export interface PrintOptions {
  color?: string;
  end?: string;
  observationPrefix?: string;
  llmPrefix?: string;
}
export interface ToolEndEvent extends RunEvent, PrintOptions {
  output: unknown;
}
export interface ToolErrorEvent extends RunEvent {
  error: Error;
}
export interface RetrieverStartEvent extends RunStartEvent {
  query: string;
}
export interface RetrieverEndEvent extends RunEvent {
  documents: DocumentLike[];
}
export interface RetrieverErrorEvent extends RunEvent {
  error: Error;
}
export interface AgentActionEvent extends RunEvent, PrintOptions {
  action: AgentAction;
}
export interface AgentEndEvent extends RunEvent, PrintOptions {
  finish: AgentFinish;
}
export interface TextEvent extends RunEvent, PrintOptions {
  text: string;
}
export interface RetryEvent extends RunEvent {
  retryState: RetryState;
}
export interface CustomEvent extends RunEvent {
  eventName: string;
  data: unknown;
}
/** LangChain.js 1.x only: a structured chat-model stream event. */
export interface ChatModelStreamEvent extends RunEvent {
  event: ChatModelStreamEventLike;
}
/** LangChain.js 1.x only: a chunk a streaming tool produced. */
export interface ToolStreamEvent extends RunEvent {
  chunk: unknown;
}

/** Handler flags that switch a family of events off. */
export type IgnoreFlag =
  | "ignoreLLM"
  | "ignoreChain"
  | "ignoreAgent"
  | "ignoreRetriever"
  | "ignoreRetry"
  | "ignoreCustomEvent";

/** Where an event stands in its run's life. */
export type Phase = "start" | "during" | "end";

/**
 * One positional argument of a handler method: a payload field, or an object built from
 * fields (LangChain's `fields` / `kwargs` bags), passed only when one of them is set.
 */
export type Param<P> = keyof P | { readonly [bag: string]: keyof P };

interface Row<P> {
  readonly method: `handle${string}`;
  readonly ignore: IgnoreFlag | null;
  readonly phase: Phase;
  readonly params: readonly Param<P>[];
  /** Not one of the 19 callbacks of `langchain_core.callbacks`; forwarded from LangChain.js 1.x. */
  readonly extra?: true;
}

/** Ties a row to its payload type, checking the parameter names against it. */
const row =
  <P>() =>
  <const R extends Row<P>>(r: R): R & { readonly payload?: P } =>
    r;

const RUN = ["runId", "parentRunId", "tags"] as const;
const PRINT = { color: "color", end: "end", observationPrefix: "observationPrefix", llmPrefix: "llmPrefix" } as const;

export const EVENT_TABLE = {
  llmStart: row<LLMStartEvent>()({
    method: "handleLLMStart", ignore: "ignoreLLM", phase: "start",
    params: ["serialized", "prompts", "runId", "parentRunId", "extraParams", "tags", "metadata", "name"],
  }),
  chatModelStart: row<ChatModelStartEvent>()({
    method: "handleChatModelStart", ignore: "ignoreLLM", phase: "start",
    params: ["serialized", "messages", "runId", "parentRunId", "extraParams", "tags", "metadata", "name"],
  }),
  llmNewToken: row<LLMNewTokenEvent>()({
    method: "handleLLMNewToken", ignore: "ignoreLLM", phase: "during",
    params: ["token", "idx", ...RUN, { chunk: "chunk" }],
  }),
  llmEnd: row<LLMEndEvent>()({
    method: "handleLLMEnd", ignore: "ignoreLLM", phase: "end",
    params: ["output", ...RUN, "extraParams"],
  }),
  llmError: row<LLMErrorEvent>()({
    method: "handleLLMError", ignore: "ignoreLLM", phase: "end",
    params: ["error", ...RUN, "extraParams"],
  }),
  chainStart: row<ChainStartEvent>()({
    // LangChain.js 1.x calls handlers in this order, whatever its declared type says.
    method: "handleChainStart", ignore: "ignoreChain", phase: "start",
    params: ["serialized", "inputs", "runId", "parentRunId", "tags", "metadata", "runType", "name", "extraParams"],
  }),
  chainEnd: row<ChainEndEvent>()({
    method: "handleChainEnd", ignore: "ignoreChain", phase: "end",
    params: ["outputs", ...RUN, { inputs: "inputs" }],
  }),
  chainError: row<ChainErrorEvent>()({
    method: "handleChainError", ignore: "ignoreChain", phase: "end",
    params: ["error", ...RUN, { inputs: "inputs" }],
  }),
  toolStart: row<ToolStartEvent>()({
    method: "handleToolStart", ignore: null, phase: "start",
    params: ["serialized", "input", "runId", "parentRunId", "tags", "metadata", "name", "toolCallId"],
  }),
  toolEnd: row<ToolEndEvent>()({
    method: "handleToolEnd", ignore: null, phase: "end", params: ["output", ...RUN, PRINT],
  }),
  toolError: row<ToolErrorEvent>()({
    method: "handleToolError", ignore: null, phase: "end", params: ["error", ...RUN],
  }),
  retrieverStart: row<RetrieverStartEvent>()({
    method: "handleRetrieverStart", ignore: "ignoreRetriever", phase: "start",
    params: ["serialized", "query", "runId", "parentRunId", "tags", "metadata", "name"],
  }),
  retrieverEnd: row<RetrieverEndEvent>()({
    method: "handleRetrieverEnd", ignore: "ignoreRetriever", phase: "end", params: ["documents", ...RUN],
  }),
  retrieverError: row<RetrieverErrorEvent>()({
    method: "handleRetrieverError", ignore: "ignoreRetriever", phase: "end", params: ["error", ...RUN],
  }),
  agentAction: row<AgentActionEvent>()({
    method: "handleAgentAction", ignore: "ignoreAgent", phase: "during", params: ["action", ...RUN, PRINT],
  }),
  agentEnd: row<AgentEndEvent>()({
    method: "handleAgentEnd", ignore: "ignoreAgent", phase: "during", params: ["finish", ...RUN, PRINT],
  }),
  text: row<TextEvent>()({
    method: "handleText", ignore: null, phase: "during", params: ["text", ...RUN, PRINT],
  }),
  retry: row<RetryEvent>()({
    method: "handleRetry", ignore: "ignoreRetry", phase: "during", params: ["retryState", ...RUN],
  }),
  customEvent: row<CustomEvent>()({
    method: "handleCustomEvent", ignore: "ignoreCustomEvent", phase: "during",
    params: ["eventName", "data", "runId", "tags", "metadata"],
  }),
  chatModelStreamEvent: row<ChatModelStreamEvent>()({
    method: "handleChatModelStreamEvent", ignore: "ignoreLLM", phase: "during", extra: true,
    params: ["event", ...RUN],
  }),
  toolEvent: row<ToolStreamEvent>()({
    // LangChain.js gates tool stream events with ignoreAgent.
    method: "handleToolEvent", ignore: "ignoreAgent", phase: "during", extra: true,
    params: ["chunk", ...RUN],
  }),
} as const;

type Table = typeof EVENT_TABLE;

/** Every event callbus carries: the 19 callbacks and LangChain.js 1.x's extra ones. */
export type CallbackEventName = keyof Table;

/** Event name -> payload type. */
export type CallbackEvents = { [E in CallbackEventName]: NonNullable<Table[E]["payload"]> };

/** Event name -> the handler method that receives it. */
export type HandlerMethodName<E extends CallbackEventName = CallbackEventName> = Table[E]["method"];

/** Names of the events that are not among the 19 callbacks of the seed API. */
type ExtraEventName = { [E in CallbackEventName]: Table[E] extends { extra: true } ? E : never }[CallbackEventName];

/** The 19 callbacks of `langchain_core.callbacks`, in the spec's order. */
export type SeedEventName = Exclude<CallbackEventName, ExtraEventName>;

const ALL_NAMES = Object.keys(EVENT_TABLE) as CallbackEventName[];

/** The 19 event names of the seed API. */
export const EVENT_NAMES: readonly SeedEventName[] = Object.freeze(
  ALL_NAMES.filter((e): e is SeedEventName => !("extra" in EVENT_TABLE[e])),
);

/** Every event name, the LangChain.js-only ones included. */
export const ALL_EVENT_NAMES: readonly CallbackEventName[] = Object.freeze(ALL_NAMES);

/** Event name -> handler method name. */
export const HANDLER_METHODS: Readonly<{ [E in CallbackEventName]: HandlerMethodName<E> }> = Object.freeze(
  Object.fromEntries(ALL_NAMES.map((e) => [e, EVENT_TABLE[e].method])) as {
    [E in CallbackEventName]: HandlerMethodName<E>;
  },
);

/** The runtime view of a row, looked up by name on every emit. */
export interface EventInfo {
  readonly name: CallbackEventName;
  readonly method: string;
  readonly ignore: IgnoreFlag | null;
  readonly phase: Phase;
  readonly params: readonly (string | { readonly [bag: string]: string })[];
  /** The handler's method for this event, unless it has none or its ignore flag is set. */
  readonly methodOf: MethodOf;
  /** Calls a handler's method with this event's positional arguments read from a payload. */
  readonly invoke: Invoke;
  /** Builds a payload from a run manager and the event's own fields and sends it through the run. */
  emitFrom(run: EventSender<EventInfo>, fields: object): unknown;
}

/** An event's own fields: its payload without the run's fields. */
export type OwnFields<E extends CallbackEventName> = Omit<CallbackEvents[E], keyof RunEvent>;

/** A row's runtime view, typed for its event. */
export interface TypedEventInfo<E extends CallbackEventName> extends EventInfo {
  readonly name: E;
  emitFrom<R>(run: EventSender<EventInfo, R>, fields: OwnFields<E>): R;
}

function toInfo(name: CallbackEventName): EventInfo {
  const row = EVENT_TABLE[name] as Pick<EventInfo, "method" | "ignore" | "phase" | "params">;
  const info: { -readonly [K in keyof EventInfo]?: EventInfo[K] } = { name, ...row, methodOf: compileMethodOf(row), invoke: compileInvoke(row) };
  info.emitFrom = compileEmitFrom(row, info as EventInfo);
  return info as EventInfo;
}

/**
 * Name -> row, with no prototype, so `"toString"` is not an event: by a known name it is the
 * row typed for its event, by any other string a row or undefined. Built as an ordinary object
 * and then given a null prototype (`Object.create(null)` would make a dictionary, slower to read).
 */
export const EVENT_INFO: { readonly [E in CallbackEventName]: TypedEventInfo<E> } & { readonly [name: string]: EventInfo | undefined } =
  Object.freeze(Object.setPrototypeOf(Object.fromEntries(ALL_NAMES.map((name) => [name, toInfo(name)])), null));

/** The payload of the `listenerError` event: a listener or handler threw or rejected. */
export interface ListenerErrorEvent {
  error: unknown;
  event: CallbackEventName;
  runId?: string;
  /** The handler's name, when a handler (not a plain listener) failed. */
  handler?: string;
}

/** Everything a bus emits: the callbacks and `listenerError`. */
export type BusEvents = CallbackEvents & { listenerError: ListenerErrorEvent };
export type BusEventName = keyof BusEvents;

/** Looks an event up, with an error that names the bad name and the good ones. */
export function eventInfo(event: string): EventInfo {
  const info = EVENT_INFO[event];
  if (info === undefined) {
    throw new TypeError(`callbus: unknown event ${JSON.stringify(event)}; known events are ${ALL_NAMES.join(", ")}`);
  }
  return info;
}

/** Reads a handler's positional arguments out of a payload. */
export function payloadToArgs(info: EventInfo, payload: object): unknown[] {
  return readArgs(info.params, payload);
}

/** The reverse: builds a payload from the arguments LangChain.js passes a handler method. */
export function argsToPayload<E extends CallbackEventName>(event: E, args: readonly unknown[]): CallbackEvents[E] {
  const { params } = eventInfo(event);
  const payload: Record<string, unknown> = {};
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (typeof p === "string") {
      payload[p] = args[i];
      continue;
    }
    const bag = args[i] as Record<string, unknown> | undefined;
    for (const key in p) payload[p[key]] = bag?.[key];
  }
  payload.tags ??= [];
  payload.metadata ??= {};
  return payload as unknown as CallbackEvents[E];
}
