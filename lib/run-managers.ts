/**
 * Run managers: a manager bound to one run. Each is a child emitter of its bus scoped to its
 * `runId`, and every method is one line: its event's `emitFrom` builds the payload and hands it
 * to the generic `sendEvent` below.
 *
 * Sync and async families share one class per run kind, generic over the mode `M`: the sync
 * classes return at once, the `Async…` subclasses return promises that settle after the
 * handlers' calls.
 */
import { nanoid } from "nanoid";
import { CallbackBus, defaultBus } from "./bus.js";
import { EVENT_INFO, type CallbackEventName, type CallbackEvents, type EventInfo, type PrintOptions, type RunEvent } from "./events.js";
import { runEndedError } from "./errors.js";
import { dispatchAsCurrent } from "./async-context.js";
import type { Listener } from "./emitter.js";
import type { CallbackHandlerLike } from "./handler.js";
import type { RunScope } from "./run-scope.js";
import type {
  AgentAction,
  AgentFinish,
  ChainValues,
  ChatModelStreamEventLike,
  DocumentLike,
  GenerationLike,
  LLMResult,
  NewTokenIndices,
  RetryState,
} from "./shapes.js";
// A cycle with callback-manager.ts, used only inside methods, so either module may load first.
import { AsyncCallbackManager, CallbackManager, type CallbackManagerOptions } from "./callback-manager.js";

/** What a sync call returns, what the matching manager is: the sync mode. */
export interface SyncMode {
  done: void;
  manager: CallbackManager;
  llm: CallbackManagerForLLMRun[];
  chain: CallbackManagerForChainRun;
  tool: CallbackManagerForToolRun;
  retriever: CallbackManagerForRetrieverRun;
}

/** The async mode: promises that settle after the handlers' calls. */
export interface AsyncMode {
  done: Promise<void>;
  manager: AsyncCallbackManager;
  llm: Promise<AsyncCallbackManagerForLLMRun[]>;
  chain: Promise<AsyncCallbackManagerForChainRun>;
  tool: Promise<AsyncCallbackManagerForToolRun>;
  retriever: Promise<AsyncCallbackManagerForRetrieverRun>;
}

export type Mode = SyncMode | AsyncMode;

const RESOLVED: Promise<void> = Promise.resolve();

export class BaseRunManager<M extends Mode = SyncMode> {
  /** True for the `Async…` classes. */
  readonly isAsync: boolean = false;
  private ended = false;

  constructor(
    readonly runId: string,
    readonly handlers: CallbackHandlerLike[],
    readonly inheritableHandlers: CallbackHandlerLike[],
    readonly tags: string[],
    readonly inheritableTags: string[],
    readonly metadata: Record<string, unknown>,
    readonly inheritableMetadata: Record<string, unknown>,
    readonly parentRunId?: string,
    readonly bus: CallbackBus = defaultBus,
  ) {}

  /** A run manager of this class with no handlers, on a bus nobody listens to. */
  static getNoopManager<T>(
    this: new (
      runId: string,
      handlers: CallbackHandlerLike[],
      inheritableHandlers: CallbackHandlerLike[],
      tags: string[],
      inheritableTags: string[],
      metadata: Record<string, unknown>,
      inheritableMetadata: Record<string, unknown>,
      parentRunId: string | undefined,
      bus: CallbackBus,
    ) => T,
  ): T {
    return new this(nanoid(), [], [], [], [], {}, {}, undefined, new CallbackBus());
  }

  /** True once the run has ended or errored. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** @internal What a manager of this run's children starts from: the inheritable handlers, tags and metadata. */
  childOptions(): CallbackManagerOptions {
    return {
      bus: this.bus,
      handlers: this.inheritableHandlers,
      inheritableHandlers: this.inheritableHandlers,
      tags: this.inheritableTags,
      inheritableTags: this.inheritableTags,
      metadata: this.inheritableMetadata,
      inheritableMetadata: this.inheritableMetadata,
    };
  }

  handleText(text: string, options?: PrintOptions): M["done"] {
    return EVENT_INFO.text.emitFrom(this, { text, ...options });
  }

  handleRetry(retryState: RetryState): M["done"] {
    return EVENT_INFO.retry.emitFrom(this, { retryState });
  }

  /** A custom event of this run (what `dispatchCustomEvent` calls). */
  handleCustomEvent(eventName: string, data: unknown, _runId?: string, _tags?: string[], _metadata?: Record<string, unknown>): M["done"] {
    return EVENT_INFO.customEvent.emitFrom(this, { eventName, data });
  }

  /** Listens to this run's events only. */
  on<E extends CallbackEventName>(event: E, listener: Listener<CallbackEvents[E]>): RunScope {
    return this.scope().on(event, listener);
  }

  once<E extends CallbackEventName>(event: E, listener: Listener<CallbackEvents[E]>): RunScope {
    return this.scope().once(event, listener);
  }

  off<E extends CallbackEventName>(event: E, listener?: Listener<CallbackEvents[E]>): RunScope {
    return this.scope().off(event, listener);
  }

  /**
   * @internal Sends one event of this run through its bus and handlers; each method's event
   * builds the payload (`EVENT_INFO.x.emitFrom(this, fields)`) and hands it here. An end is sent
   * once: a second is an error that says so (a rejection for the async family).
   */
  sendEvent(info: EventInfo, payload: RunEvent): M["done"] {
    if (info.phase === "end") {
      if (this.ended) {
        const error = runEndedError(this.runId, `${info.name} was not emitted again`);
        if (this.isAsync) return Promise.reject(error) as M["done"];
        throw error;
      }
      this.ended = true;
    }
    if (this.isAsync) return this.sendAsync(info, payload) as M["done"];
    // This run is current while its handlers run, so they can dispatch custom events to it.
    dispatchAsCurrent(this, this.bus, info, payload, this.handlers, false);
    return undefined as M["done"];
  }

  /** The async family's send: a promise that settles after the handlers, rejected rather than thrown. */
  private sendAsync(info: EventInfo, payload: RunEvent): Promise<void> {
    try {
      return dispatchAsCurrent(this, this.bus, info, payload, this.handlers, true) ?? RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private scope(): RunScope {
    if (this.ended) throw runEndedError(this.runId, "its run manager cannot take new listeners");
    return this.bus.run(this.runId);
  }
}

/** A run manager of the sync family (`RunManager`) or, as `AsyncRunManager`, of the async one. */
export class RunManager<M extends Mode = SyncMode> extends BaseRunManager<M> {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return modeCheck(this, RunManager, value, false);
  }
}

/** A run manager whose run can have child runs. */
export class ParentRunManager<M extends Mode = SyncMode> extends RunManager<M> {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return modeCheck(this, ParentRunManager, value, false);
  }

  /** A manager for child runs: this run as parent, the inheritable handlers, tags and metadata; `tag` as a local tag. */
  getChild(tag?: string): M["manager"] {
    if (this.isEnded) throw runEndedError(this.runId, "getChild() cannot start children under it");
    const Manager = this.isAsync ? AsyncCallbackManager : CallbackManager;
    const child = new Manager(this.runId, this.childOptions());
    if (tag !== undefined) child.addTags([tag], false);
    return child as M["manager"];
  }
}

export class CallbackManagerForLLMRun<M extends Mode = SyncMode> extends RunManager<M> {
  handleLLMNewToken(
    token: string,
    idx: NewTokenIndices = { prompt: 0, completion: 0 },
    _runId?: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: { chunk?: GenerationLike },
  ): M["done"] {
    return EVENT_INFO.llmNewToken.emitFrom(this, { token, idx, chunk: fields?.chunk });
  }

  handleChatModelStreamEvent(event: ChatModelStreamEventLike): M["done"] {
    return EVENT_INFO.chatModelStreamEvent.emitFrom(this, { event });
  }

  handleLLMEnd(output: LLMResult, _runId?: string, _parentRunId?: string, _tags?: string[], extraParams?: Record<string, unknown>): M["done"] {
    return EVENT_INFO.llmEnd.emitFrom(this, { output, extraParams });
  }

  handleLLMError(error: unknown, _runId?: string, _parentRunId?: string, _tags?: string[], extraParams?: Record<string, unknown>): M["done"] {
    return EVENT_INFO.llmError.emitFrom(this, { error: error as Error, extraParams });
  }
}

export class CallbackManagerForChainRun<M extends Mode = SyncMode> extends ParentRunManager<M> {
  handleChainEnd(outputs: ChainValues, _runId?: string, _parentRunId?: string, _tags?: string[], kwargs?: { inputs?: ChainValues }): M["done"] {
    return EVENT_INFO.chainEnd.emitFrom(this, { outputs, inputs: kwargs?.inputs });
  }

  handleChainError(error: unknown, _runId?: string, _parentRunId?: string, _tags?: string[], kwargs?: { inputs?: ChainValues }): M["done"] {
    return EVENT_INFO.chainError.emitFrom(this, { error: error as Error, inputs: kwargs?.inputs });
  }

  handleAgentAction(action: AgentAction, options?: PrintOptions): M["done"] {
    return EVENT_INFO.agentAction.emitFrom(this, { action, ...options });
  }

  handleAgentEnd(finish: AgentFinish, options?: PrintOptions): M["done"] {
    return EVENT_INFO.agentEnd.emitFrom(this, { finish, ...options });
  }
}

export class CallbackManagerForToolRun<M extends Mode = SyncMode> extends ParentRunManager<M> {
  handleToolEnd(output: unknown, options?: PrintOptions): M["done"] {
    return EVENT_INFO.toolEnd.emitFrom(this, { output, ...options });
  }

  handleToolError(error: unknown): M["done"] {
    return EVENT_INFO.toolError.emitFrom(this, { error: error as Error });
  }

  handleToolEvent(chunk: unknown): M["done"] {
    return EVENT_INFO.toolEvent.emitFrom(this, { chunk });
  }
}

export class CallbackManagerForRetrieverRun<M extends Mode = SyncMode> extends ParentRunManager<M> {
  handleRetrieverEnd(documents: DocumentLike[]): M["done"] {
    return EVENT_INFO.retrieverEnd.emitFrom(this, { documents });
  }

  handleRetrieverError(error: unknown): M["done"] {
    return EVENT_INFO.retrieverError.emitFrom(this, { error: error as Error });
  }
}

// The async family: the same classes in the async mode.

export class AsyncRunManager extends RunManager<AsyncMode> {
  override readonly isAsync = true;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return modeCheck(this, AsyncRunManager, value, true, RunManager);
  }
}

export class AsyncParentRunManager extends ParentRunManager<AsyncMode> {
  override readonly isAsync = true;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return modeCheck(this, AsyncParentRunManager, value, true, ParentRunManager);
  }
}

export class AsyncCallbackManagerForLLMRun extends CallbackManagerForLLMRun<AsyncMode> {
  override readonly isAsync = true;
}
export class AsyncCallbackManagerForChainRun extends CallbackManagerForChainRun<AsyncMode> {
  override readonly isAsync = true;
}
export class AsyncCallbackManagerForToolRun extends CallbackManagerForToolRun<AsyncMode> {
  override readonly isAsync = true;
}
export class AsyncCallbackManagerForRetrieverRun extends CallbackManagerForRetrieverRun<AsyncMode> {
  override readonly isAsync = true;
}

const plainInstanceOf = Function.prototype[Symbol.hasInstance];

/**
 * `instanceof` for the family markers: `RunManager` and `ParentRunManager` match sync run
 * managers only, `AsyncRunManager` and `AsyncParentRunManager` the async ones, as in LangChain.
 * Subclasses of a marker keep plain `instanceof`.
 */
function modeCheck(cls: Function, marker: Function, value: unknown, isAsync: boolean, shape: Function = marker): boolean {
  if (cls !== marker) return plainInstanceOf.call(cls, value);
  return plainInstanceOf.call(shape, value) && (value as BaseRunManager).isAsync === isAsync;
}
