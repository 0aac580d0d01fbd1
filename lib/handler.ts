/**
 * Handlers: objects with LangChain.js's `handleX` methods. Our `BaseCallbackHandler`, a
 * LangChain.js handler and a plain object of methods are all accepted as they are.
 */
import { nanoid } from "nanoid";
import type { IgnoreFlag, PrintOptions } from "./events.js";
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

/**
 * What a handler method may return: nothing, or a promise the bus keeps track of. What the
 * promise resolves to is ignored, so LangChain.js's tracers (whose methods resolve to the
 * `Run` they touched) are handlers as they are.
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- what a method that returns nothing returns
export type HandlerResult = void | Promise<unknown>;
type Meta = Record<string, unknown>;

/** Methods for the LLM events that follow a start (Python's `LLMManagerMixin`). */
export interface LLMManagerMixin {
  handleLLMNewToken?(token: string, idx: NewTokenIndices, runId: string, parentRunId?: string, tags?: string[], fields?: { chunk?: GenerationLike }): HandlerResult;
  handleLLMEnd?(output: LLMResult, runId: string, parentRunId?: string, tags?: string[], extraParams?: Meta): HandlerResult;
  handleLLMError?(error: Error, runId: string, parentRunId?: string, tags?: string[], extraParams?: Meta): HandlerResult;
  handleChatModelStreamEvent?(event: ChatModelStreamEventLike, runId: string, parentRunId?: string, tags?: string[]): HandlerResult;
}

/** Methods for chain and agent events (`ChainManagerMixin`). */
export interface ChainManagerMixin {
  handleChainEnd?(outputs: ChainValues, runId: string, parentRunId?: string, tags?: string[], kwargs?: { inputs?: ChainValues }): HandlerResult;
  handleChainError?(error: Error, runId: string, parentRunId?: string, tags?: string[], kwargs?: { inputs?: ChainValues }): HandlerResult;
  handleAgentAction?(action: AgentAction, runId: string, parentRunId?: string, tags?: string[], options?: PrintOptions): HandlerResult;
  handleAgentEnd?(finish: AgentFinish, runId: string, parentRunId?: string, tags?: string[], options?: PrintOptions): HandlerResult;
}

/** Methods for tool events (`ToolManagerMixin`). */
export interface ToolManagerMixin {
  handleToolEnd?(output: unknown, runId: string, parentRunId?: string, tags?: string[], options?: PrintOptions): HandlerResult;
  handleToolError?(error: Error, runId: string, parentRunId?: string, tags?: string[]): HandlerResult;
  handleToolEvent?(chunk: unknown, runId: string, parentRunId?: string, tags?: string[]): HandlerResult;
}

/** Methods for retriever events (`RetrieverManagerMixin`). */
export interface RetrieverManagerMixin {
  handleRetrieverEnd?(documents: DocumentLike[], runId: string, parentRunId?: string, tags?: string[]): HandlerResult;
  handleRetrieverError?(error: Error, runId: string, parentRunId?: string, tags?: string[]): HandlerResult;
}

/** The start methods (`CallbackManagerMixin`). `handleChainStart` is listed in the order LangChain.js really calls it. */
export interface CallbackManagerMixin {
  handleLLMStart?(serialized: Serialized, prompts: string[], runId: string, parentRunId?: string, extraParams?: Meta, tags?: string[], metadata?: Meta, runName?: string): HandlerResult;
  handleChatModelStart?(serialized: Serialized, messages: MessageLike[][], runId: string, parentRunId?: string, extraParams?: Meta, tags?: string[], metadata?: Meta, runName?: string): HandlerResult;
  handleChainStart?(serialized: Serialized, inputs: ChainValues, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, runType?: string, runName?: string, extra?: Meta): HandlerResult;
  handleToolStart?(serialized: Serialized, input: string | Record<string, unknown>, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, runName?: string, toolCallId?: string): HandlerResult;
  handleRetrieverStart?(serialized: Serialized, query: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, runName?: string): HandlerResult;
}

/** Methods any run can call (`RunManagerMixin`). */
export interface RunManagerMixin {
  handleText?(text: string, runId: string, parentRunId?: string, tags?: string[], options?: PrintOptions): HandlerResult;
  handleRetry?(retryState: RetryState, runId: string, parentRunId?: string, tags?: string[]): HandlerResult;
  handleCustomEvent?(eventName: string, data: unknown, runId: string, tags?: string[], metadata?: Meta): HandlerResult;
}

/** Every handler method, all optional: the shape of a plain handler object. */
export interface CallbackHandlerMethods
  extends LLMManagerMixin,
    ChainManagerMixin,
    ToolManagerMixin,
    RetrieverManagerMixin,
    CallbackManagerMixin,
    RunManagerMixin {}

/** The flags a handler may set. */
export interface CallbackHandlerInput {
  ignoreLLM?: boolean;
  ignoreChain?: boolean;
  ignoreAgent?: boolean;
  ignoreRetriever?: boolean;
  ignoreRetry?: boolean;
  ignoreCustomEvent?: boolean;
  /** Skips chat-model starts (and their `handleLLMStart` fallback); Python's `ignore_chat_model`. */
  ignoreChatModel?: boolean;
  /** A failure in this handler reaches the caller instead of being reported and passed over. */
  raiseError?: boolean;
  /** A manager waits for this handler's promises before its start method settles. */
  awaitHandlers?: boolean;
  /** Async calls of this handler run one after another, before the other handlers (Python's `run_inline`). */
  runInline?: boolean;
}

/** Anything callbus accepts as a handler: flags and methods, all optional, plus an optional name. */
export interface CallbackHandlerLike extends CallbackHandlerMethods, Partial<Record<IgnoreFlag, boolean>> {
  name?: string;
  raiseError?: boolean;
  awaitHandlers?: boolean;
  runInline?: boolean;
}

/** Base class for handlers; subclasses implement the `handleX` methods they care about. */
export abstract class BaseCallbackHandler implements CallbackHandlerLike {
  abstract name: string;
  ignoreLLM = false;
  ignoreChain = false;
  ignoreAgent = false;
  ignoreRetriever = false;
  ignoreRetry = false;
  ignoreCustomEvent = false;
  ignoreChatModel = false;
  raiseError = false;
  awaitHandlers = false;
  runInline = false;

  constructor(input?: CallbackHandlerInput) {
    if (input !== undefined) {
      for (const key of FLAG_KEYS) {
        const value = input[key];
        if (value !== undefined) this[key] = value;
      }
    }
  }

  /** A new handler of the same class with the same flags. */
  copy(): this {
    const Ctor = this.constructor as new (input?: CallbackHandlerInput) => this;
    return new Ctor(this);
  }

  /** A handler made from a plain object of methods (LangChain.js `fromMethods`). */
  static fromMethods(methods: CallbackHandlerMethods & CallbackHandlerInput & { name?: string }): BaseCallbackHandler {
    return new MethodsHandler(methods);
  }
}

const FLAG_KEYS = [
  "ignoreLLM",
  "ignoreChain",
  "ignoreAgent",
  "ignoreRetriever",
  "ignoreRetry",
  "ignoreCustomEvent",
  "ignoreChatModel",
  "raiseError",
  "awaitHandlers",
  "runInline",
] as const satisfies readonly (keyof CallbackHandlerInput)[];

class MethodsHandler extends BaseCallbackHandler {
  name: string;
  constructor(methods: CallbackHandlerMethods & CallbackHandlerInput & { name?: string }) {
    super(methods);
    this.name = methods.name ?? `handler-${nanoid(8)}`;
    Object.assign(this, methods);
  }
}

/**
 * Python's `AsyncCallbackHandler`: the same methods, expected to return promises. The async
 * manager awaits them; callbus orders one handler's calls of one trace either way.
 */
export abstract class AsyncCallbackHandler extends BaseCallbackHandler {}

/** Checks that a value can be used as a handler, naming what is wrong if not. */
export function assertHandler(handler: unknown, where: string): asserts handler is CallbackHandlerLike {
  if (handler === null || (typeof handler !== "object" && typeof handler !== "function")) {
    throw new TypeError(`callbus: ${where} needs a handler object with handleX methods, got ${handler === null ? "null" : typeof handler}`);
  }
}

/** The name used when reporting a handler's failure: its `name`, else its class. */
export function handlerName(handler: CallbackHandlerLike): string {
  if (typeof handler.name === "string" && handler.name !== "") return handler.name;
  const ctor = (handler as { constructor?: { name?: string } }).constructor;
  return ctor?.name && ctor.name !== "Object" ? ctor.name : "anonymous handler";
}
