/**
 * The one table every other part derives from: event name -> payload type -> handler method
 * -> ignore flag -> lifecycle phase -> the handler's positional arguments. Adding an event is
 * one payload interface and one row (then `npm run generate` writes its functions).
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

/*
 * Payload types are named after their event: `llmNewToken` -> `LLMNewTokenEvent`; an event whose
 * name already ends in "Event" takes "Payload" (`customEvent` -> `CustomEventPayload`).
 */

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
  /** The run name (see `runName`): the given one, else `serialized.name`, else the last item of `serialized.id`. */
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
/** The payload of `customEvent` (not `CustomEvent`, which would shadow the DOM and Node global). */
export interface CustomEventPayload extends RunEvent {
  eventName: string;
  data: unknown;
}
/** LangChain.js 1.x only: a structured chat-model stream event. */
export interface ChatModelStreamEventPayload extends RunEvent {
  event: ChatModelStreamEventLike;
}
/** LangChain.js 1.x only: a chunk a streaming tool produced. */
export interface ToolEventPayload extends RunEvent {
  chunk: unknown;
}

/** Handler flags that switch a family of events off. */
export type IgnoreFlag =
  | "ignoreLLM"
  | "ignoreChain"
  | "ignoreAgent"
  | "ignoreRetriever"
  | "ignoreRetry"
  | "ignoreCustomEvent"
  | "ignoreChatModel";

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
  /** A narrower flag that skips this event too (Python's `ignore_chat_model` for chat-model starts). */
  readonly alsoIgnoredBy?: IgnoreFlag;
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
    method: "handleChatModelStart", ignore: "ignoreLLM", alsoIgnoredBy: "ignoreChatModel", phase: "start",
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
    // Tool events are gated by ignoreAgent, in LangChain Python and LangChain.js alike.
    method: "handleToolStart", ignore: "ignoreAgent", phase: "start",
    params: ["serialized", "input", "runId", "parentRunId", "tags", "metadata", "name", "toolCallId"],
  }),
  toolEnd: row<ToolEndEvent>()({
    method: "handleToolEnd", ignore: "ignoreAgent", phase: "end", params: ["output", ...RUN, PRINT],
  }),
  toolError: row<ToolErrorEvent>()({
    method: "handleToolError", ignore: "ignoreAgent", phase: "end", params: ["error", ...RUN],
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
  customEvent: row<CustomEventPayload>()({
    method: "handleCustomEvent", ignore: "ignoreCustomEvent", phase: "during",
    params: ["eventName", "data", "runId", "tags", "metadata"],
  }),
  chatModelStreamEvent: row<ChatModelStreamEventPayload>()({
    method: "handleChatModelStreamEvent", ignore: "ignoreLLM", phase: "during", extra: true,
    params: ["event", ...RUN],
  }),
  toolEvent: row<ToolEventPayload>()({
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

/** The 19 callbacks of `langchain_core.callbacks`, in its order. */
export type SeedEventName = Exclude<CallbackEventName, ExtraEventName>;
