/**
 * Callback managers and the run managers they open (LangChain.js names and positional
 * parameters). They know each other — a manager's start methods make run managers, a run
 * manager's `getChild()` makes a manager — so they live in one module, and loading it needs
 * nothing else of its kind first.
 *
 * A manager holds lists of inheritable and local handlers, tags and metadata. A run manager is
 * a child emitter of its bus scoped to its `runId`, and each of its methods is one line: its
 * event's `emitFrom` builds the payload and hands it to the generic `sendEvent`. Sync and async
 * families share one class per kind, generic over the mode `M`: the sync classes return at
 * once, the `Async…` subclasses return promises that settle after the handlers' calls. Every
 * event goes to the run's handlers and to its bus.
 */
import { nanoid } from "nanoid";
import { CallbackBus } from "./bus.js";
import { defaultBus } from "./default-bus.js";
import { EVENT_INFO, type CallbackEventName, type CallbackEvents, type EventInfo, type PrintOptions, type RunEvent, type RunStartEvent } from "./events.js";
import { runEndedError } from "./errors.js";
import { nameRun } from "./run-name.js";
import { createLangChainHandler, type LangChainHandler, type LangChainHandlerOptions } from "./langchain-handler.js";
import { dispatchAsCurrent } from "./async-context.js";
import { SETTLED } from "./dispatch.js";
import type { Listener } from "./emitter.js";
import { assertHandler, type CallbackHandlerLike } from "./handler.js";
import type { RunScope } from "./run-scope.js";
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
import { configureManager, type ConfigureOptions, type Callbacks } from "./configure.js";

/** What a sync call returns, what the matching manager is: the sync mode. */
export interface SyncMode {
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- what a sync call returns: nothing
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

  /**
   * @internal What a manager of this run's children starts from: the inheritable handlers, tags
   * and metadata, which the child shares rather than copies (see `SHARED_LISTS`).
   */
  childOptions(): CallbackManagerOptions {
    const options: SharedListOptions = {
      bus: this.bus,
      handlers: this.inheritableHandlers,
      inheritableHandlers: this.inheritableHandlers,
      tags: this.inheritableTags,
      inheritableTags: this.inheritableTags,
      metadata: this.inheritableMetadata,
      inheritableMetadata: this.inheritableMetadata,
      [SHARED_LISTS]: true,
    };
    return options;
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
    let derivedName = false;
    if (info.phase === "start") derivedName = nameRun(payload as RunStartEvent);
    else if (info.phase === "end") {
      if (this.ended) {
        const error = runEndedError(this.runId, `${info.name} was not emitted again`);
        if (this.isAsync) return Promise.reject(error);
        throw error;
      }
      this.ended = true;
    }
    if (this.isAsync) return this.sendAsync(info, payload, derivedName);
    // This run is current while its handlers run, so they can dispatch custom events to it.
    void dispatchAsCurrent(this, this.bus, info, payload, this.handlers, false, derivedName);
    // Typed void, but a settled promise: code written for LangChain.js awaits (or chains on)
    // every call, and awaiting a promise costs V8 no extra promise, as awaiting undefined does.
    return SETTLED;
  }

  /** The async family's send: a promise that settles after the handlers, rejected rather than thrown. */
  private sendAsync(info: EventInfo, payload: RunEvent, derivedName: boolean): Promise<void> {
    try {
      return dispatchAsCurrent(this, this.bus, info, payload, this.handlers, true, derivedName) ?? SETTLED;
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
}

/** A run manager whose run can have child runs (either family; see `RunManager`). */
export class ParentRunManager<M extends Mode = SyncMode> extends RunManager<M> {
  /** A manager for child runs: this run as parent, the inheritable handlers, tags and metadata; `tag` as a local tag. */
  getChild(tag?: string): M["manager"] {
    if (this.isEnded) throw runEndedError(this.runId, "getChild() cannot start children under it");
    const Manager = this.isAsync ? AsyncCallbackManager : CallbackManager;
    const child = new Manager(this.runId, this.childOptions());
    if (tag !== undefined) child.addTags([tag], false);
    return child;
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
}

export class AsyncParentRunManager extends ParentRunManager<AsyncMode> {
  override readonly isAsync = true;
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

// --- Managers ---------------------------------------------------------------------------

type Meta = Record<string, unknown>;

/** Options of the manager constructor. */
export interface CallbackManagerOptions {
  bus?: CallbackBus;
  handlers?: CallbackHandlerLike[];
  inheritableHandlers?: CallbackHandlerLike[];
  tags?: string[];
  inheritableTags?: string[];
  metadata?: Meta;
  inheritableMetadata?: Meta;
}

/**
 * Marks options whose lists a new manager shares instead of copying: a run's inheritable lists,
 * for `getChild()`. That is safe because callbus's managers never change a list in place (each
 * method that changes one puts a new list in its place), and it saves a child manager six
 * copies, a tenth of what a run costs (docs/speed.md). Options from users are copied.
 */
const SHARED_LISTS: unique symbol = Symbol("callbus.sharedLists");
type SharedListOptions = CallbackManagerOptions & { [SHARED_LISTS]?: true };

type RunCtor = new (
  runId: string,
  handlers: CallbackHandlerLike[],
  inheritableHandlers: CallbackHandlerLike[],
  tags: string[],
  inheritableTags: string[],
  metadata: Meta,
  inheritableMetadata: Meta,
  parentRunId: string | undefined,
  bus: CallbackBus,
) => BaseRunManager<Mode>;

/** Which run manager class each start method makes, per mode. */
const RUN_CLASSES = {
  sync: { llm: CallbackManagerForLLMRun, chain: CallbackManagerForChainRun, tool: CallbackManagerForToolRun, retriever: CallbackManagerForRetrieverRun },
  async: {
    llm: AsyncCallbackManagerForLLMRun,
    chain: AsyncCallbackManagerForChainRun,
    tool: AsyncCallbackManagerForToolRun,
    retriever: AsyncCallbackManagerForRetrieverRun,
  },
} as const;

type RunKind = keyof (typeof RUN_CLASSES)["sync"];

function unionTags(base: readonly string[], extra: readonly string[] | undefined): string[] {
  if (extra === undefined || extra.length === 0) return base.slice();
  return [...new Set([...base, ...extra])];
}


export class BaseCallbackManager<M extends Mode = SyncMode> {
  /** True for `AsyncCallbackManager`. */
  readonly isAsync: boolean = false;
  handlers: CallbackHandlerLike[];
  inheritableHandlers: CallbackHandlerLike[];
  tags: string[];
  inheritableTags: string[];
  metadata: Meta;
  inheritableMetadata: Meta;
  parentRunId: string | undefined;
  bus: CallbackBus;
  name = "callback_manager";

  constructor(parentRunId?: string, options: CallbackManagerOptions = {}) {
    this.parentRunId = parentRunId;
    this.bus = options.bus ?? defaultBus;
    if ((options as SharedListOptions)[SHARED_LISTS] === true) {
      // A run's inheritable lists (getChild): checked when they came in, never changed in place.
      this.handlers = options.handlers ?? [];
      this.inheritableHandlers = options.inheritableHandlers ?? [];
      this.tags = options.tags ?? [];
      this.inheritableTags = options.inheritableTags ?? [];
      this.metadata = options.metadata ?? {};
      this.inheritableMetadata = options.inheritableMetadata ?? {};
      return;
    }
    // Copies, so that changing this manager never changes the lists it was given.
    this.handlers = options.handlers?.slice() ?? [];
    this.inheritableHandlers = options.inheritableHandlers?.slice() ?? [];
    this.tags = options.tags?.slice() ?? [];
    this.inheritableTags = options.inheritableTags?.slice() ?? [];
    this.metadata = { ...options.metadata };
    this.inheritableMetadata = { ...options.inheritableMetadata };
    for (const handler of this.handlers) assertHandler(handler, "CallbackManager");
    for (const handler of this.inheritableHandlers) assertHandler(handler, "CallbackManager");
  }

  /** LangChain.js spelling of `parentRunId`. */
  getParentRunId(): string | undefined {
    return this.parentRunId;
  }

  /**
   * Adds a handler (inheritable by default) unless it is already there. Like every method that
   * changes a list, it puts a new list in place: runs already started keep the list they had.
   */
  addHandler(handler: CallbackHandlerLike, inherit = true): void {
    assertHandler(handler, "addHandler()");
    if (!this.handlers.includes(handler)) this.handlers = [...this.handlers, handler];
    if (inherit && !this.inheritableHandlers.includes(handler)) this.inheritableHandlers = [...this.inheritableHandlers, handler];
  }

  /** Removes a handler from both lists. */
  removeHandler(handler: CallbackHandlerLike): void {
    this.handlers = this.handlers.filter((h) => h !== handler);
    this.inheritableHandlers = this.inheritableHandlers.filter((h) => h !== handler);
  }

  /** Replaces both lists. */
  setHandlers(handlers: readonly CallbackHandlerLike[], inherit = true): void {
    this.handlers = [];
    this.inheritableHandlers = [];
    for (const handler of handlers) this.addHandler(handler, inherit);
  }

  setHandler(handler: CallbackHandlerLike, inherit = true): void {
    this.setHandlers([handler], inherit);
  }

  /**
   * Adds tags at the end, each once (a tag already there moves to its new place). A local tag
   * that is also inheritable stays inheritable.
   */
  addTags(tags: readonly string[], inherit = true): void {
    const unique = [...new Set(tags)];
    this.tags = [...this.tags.filter((t) => !unique.includes(t)), ...unique];
    if (inherit) this.inheritableTags = [...this.inheritableTags.filter((t) => !unique.includes(t)), ...unique];
  }

  removeTags(tags: readonly string[]): void {
    this.tags = this.tags.filter((t) => !tags.includes(t));
    this.inheritableTags = this.inheritableTags.filter((t) => !tags.includes(t));
  }

  addMetadata(metadata: Meta, inherit = true): void {
    this.metadata = { ...this.metadata, ...metadata };
    if (inherit) this.inheritableMetadata = { ...this.inheritableMetadata, ...metadata };
  }

  /** Removes the given keys (a list of keys, or an object whose keys are removed). */
  removeMetadata(keys: readonly string[] | Meta): void {
    const names = new Set(Array.isArray(keys) ? (keys as readonly string[]) : Object.keys(keys));
    const keep = (metadata: Meta): Meta => Object.fromEntries(Object.entries(metadata).filter(([key]) => !names.has(key)));
    this.metadata = keep(this.metadata);
    this.inheritableMetadata = keep(this.inheritableMetadata);
  }

  /** A manager of the same class that shares no mutable list with this one. */
  copy(additionalHandlers: readonly CallbackHandlerLike[] = [], inherit = true): this {
    const Ctor = this.constructor as new (parentRunId?: string, options?: CallbackManagerOptions) => this;
    const copy = new Ctor(this.parentRunId, this.toOptions());
    for (const handler of additionalHandlers) copy.addHandler(handler, inherit);
    return copy;
  }

  /**
   * The union of both managers' handlers, tags and metadata (on a key both have, `other`'s
   * value wins); the parent run is this one's, else `other`'s (as LangChain Python merges).
   */
  merge(other: BaseCallbackManager<Mode>): this {
    const merged = this.copy();
    merged.parentRunId = this.parentRunId ?? other.parentRunId;
    for (const h of other.handlers) if (!merged.handlers.includes(h)) merged.handlers.push(h);
    for (const h of other.inheritableHandlers) if (!merged.inheritableHandlers.includes(h)) merged.inheritableHandlers.push(h);
    merged.tags = unionTags(merged.tags, other.tags);
    merged.inheritableTags = unionTags(merged.inheritableTags, other.inheritableTags);
    merged.metadata = { ...merged.metadata, ...other.metadata };
    merged.inheritableMetadata = { ...merged.inheritableMetadata, ...other.inheritableMetadata };
    return merged;
  }

  /** One LLM run per prompt; a given `runId` is used for the first. */
  handleLLMStart(
    serialized: Serialized,
    prompts: string[],
    runId?: string,
    parentRunId?: string,
    extraParams?: Meta,
    tags?: string[],
    metadata?: Meta,
    name?: string,
  ): M["llm"] {
    return this.startEach(prompts, runId, (prompt, id) => {
      const run = this.open("llm", id, parentRunId, tags, metadata);
      return [run, EVENT_INFO.llmStart.emitFrom(run, { serialized, prompts: [prompt], extraParams, name })];
    });
  }

  /** One LLM run per message list; a given `runId` is used for the first. */
  handleChatModelStart(
    serialized: Serialized,
    messages: MessageLike[][],
    runId?: string,
    parentRunId?: string,
    extraParams?: Meta,
    tags?: string[],
    metadata?: Meta,
    name?: string,
  ): M["llm"] {
    return this.startEach(messages, runId, (list, id) => {
      const run = this.open("llm", id, parentRunId, tags, metadata);
      return [run, EVENT_INFO.chatModelStart.emitFrom(run, { serialized, messages: [list], extraParams, name })];
    });
  }

  handleChainStart(
    serialized: Serialized,
    inputs: ChainValues,
    runId?: string,
    runType?: string,
    tags?: string[],
    metadata?: Meta,
    name?: string,
    parentRunId?: string,
    extra?: Meta,
  ): M["chain"] {
    const run = this.open("chain", runId, parentRunId, tags, metadata);
    return this.started(run, EVENT_INFO.chainStart.emitFrom(run, { serialized, inputs, runType, name, extraParams: extra })) as M["chain"];
  }

  handleToolStart(
    serialized: Serialized,
    input: string | Record<string, unknown>,
    runId?: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Meta,
    name?: string,
    toolCallId?: string,
  ): M["tool"] {
    const run = this.open("tool", runId, parentRunId, tags, metadata);
    return this.started(run, EVENT_INFO.toolStart.emitFrom(run, { serialized, input, name, toolCallId })) as M["tool"];
  }

  handleRetrieverStart(
    serialized: Serialized,
    query: string,
    runId?: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Meta,
    name?: string,
  ): M["retriever"] {
    const run = this.open("retriever", runId, parentRunId, tags, metadata);
    return this.started(run, EVENT_INFO.retrieverStart.emitFrom(run, { serialized, query, name })) as M["retriever"];
  }

  /**
   * A handler for LangChain.js `callbacks` that nests LangChain.js's runs here: each of its
   * root runs becomes a child of this manager's parent run, with this manager's handlers, tags
   * and metadata (its descendants with the inheritable ones), and every event goes to this bus.
   * LangChain.js's `Callbacks` type admits only its own manager class or a list of handlers, so
   * this is how a callbus manager goes in `callbacks` (`run.getChild().asLangChainHandler()`).
   *
   * @example
   * ```ts
   * const stream = await model.stream("hi", { callbacks: [run.getChild().asLangChainHandler()] });
   * ```
   */
  asLangChainHandler(options?: LangChainHandlerOptions): LangChainHandler {
    // A snapshot: handlers added to this manager later do not reach runs LangChain.js already holds.
    const { parentRunId, handlers, inheritableHandlers, tags, inheritableTags, metadata, inheritableMetadata } = this;
    return createLangChainHandler(this.bus, options, {
      parentRunId,
      handlers: handlers.slice(),
      inheritableHandlers: inheritableHandlers.slice(),
      tags: tags.slice(),
      inheritableTags: inheritableTags.slice(),
      metadata: { ...metadata },
      inheritableMetadata: { ...inheritableMetadata },
    });
  }

  /** A custom event for the run `runId` (LangChain.js calls this from `dispatchCustomEvent`). */
  handleCustomEvent(eventName: string, data: unknown, runId: string, tags?: string[], metadata?: Meta): M["done"] {
    const payload = { eventName, data, runId, parentRunId: this.parentRunId, tags: unionTags(this.tags, tags), metadata: { ...this.metadata, ...metadata } };
    const waiting = this.bus.dispatch(EVENT_INFO.customEvent, payload, this.handlers, this.isAsync);
    return this.isAsync ? (waiting ?? SETTLED) : SETTLED;
  }

  /**
   * Makes the run manager of a new run: its tags and metadata are fixed here, once, so no event
   * copies them. The given `tags`, `metadata` and `parentRunId` (LangChain.js passes none) are
   * added. Each start method then sends its start event through the new run (which is current
   * while the start's handlers run), with its own event's `emitFrom`, so V8 inlines it there.
   */
  private open(kind: RunKind, runId: string | undefined, parentRunId: string | undefined, tags: string[] | undefined, metadata: Meta | undefined): BaseRunManager<Mode> {
    const runTags = unionTags(this.tags, tags);
    const runMetadata = metadata === undefined ? { ...this.metadata } : { ...this.metadata, ...metadata };
    const Run: RunCtor = RUN_CLASSES[this.isAsync ? "async" : "sync"][kind];
    return new Run(runId ?? nanoid(), this.handlers, this.inheritableHandlers, runTags, this.inheritableTags, runMetadata, this.inheritableMetadata, this.parentRunId ?? parentRunId, this.bus);
  }

  /** What a start method returns: the run manager, or (async family) a promise of it once the start's handlers settled. */
  private started(run: BaseRunManager<Mode>, sent: unknown): BaseRunManager<Mode> | Promise<BaseRunManager<Mode>> {
    if (!this.isAsync) return run;
    // Nothing to wait for: the run manager at once, without a step through the microtask queue.
    return sent === SETTLED ? Promise.resolve(run) : (sent as Promise<void>).then(() => run);
  }

  /** The LLM starts' runs; for the async family once every start's handlers settled (a rejection rejects all). */
  private startEach<T>(items: readonly T[], runId: string | undefined, startOne: (item: T, id: string | undefined) => [BaseRunManager<Mode>, unknown]): M["llm"] {
    const runs: BaseRunManager<Mode>[] = [];
    let waiting: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const [run, sent] = startOne(items[i], i === 0 ? runId : undefined);
      runs.push(run);
      if (sent !== SETTLED) (waiting ??= []).push(sent);
    }
    if (!this.isAsync) return runs as M["llm"];
    return (waiting === undefined ? Promise.resolve(runs) : Promise.all(waiting).then(() => runs)) as M["llm"];
  }

  /** @internal This manager's lists as constructor options (the constructor copies them). */
  toOptions(): CallbackManagerOptions {
    return {
      bus: this.bus,
      handlers: this.handlers,
      inheritableHandlers: this.inheritableHandlers,
      tags: this.tags,
      inheritableTags: this.inheritableTags,
      metadata: this.metadata,
      inheritableMetadata: this.inheritableMetadata,
    };
  }
}

/** The sync manager: start methods return their run managers at once. */
export class CallbackManager extends BaseCallbackManager {
  /** A manager built from handlers and options; see `ConfigureOptions`. Always returns a manager. */
  static configure(inheritableHandlers?: Callbacks, localHandlers?: Callbacks, options?: ConfigureOptions): CallbackManager {
    return configureManager(CallbackManager, inheritableHandlers, localHandlers, options);
  }

  /** A manager with one handler made from plain methods. */
  static fromHandlers(methods: CallbackHandlerLike, options?: Pick<CallbackManagerOptions, "bus">): CallbackManager {
    return fromHandlers(CallbackManager, methods, options);
  }
}

/** The async manager: start methods return promises that settle after the handlers' calls. */
export class AsyncCallbackManager extends BaseCallbackManager<AsyncMode> {
  override readonly isAsync = true;

  static configure(inheritableHandlers?: Callbacks, localHandlers?: Callbacks, options?: ConfigureOptions): AsyncCallbackManager {
    return configureManager(AsyncCallbackManager, inheritableHandlers, localHandlers, options);
  }

  static fromHandlers(methods: CallbackHandlerLike, options?: Pick<CallbackManagerOptions, "bus">): AsyncCallbackManager {
    return fromHandlers(AsyncCallbackManager, methods, options);
  }
}

function fromHandlers<T extends BaseCallbackManager<Mode>>(
  Manager: new (parentRunId?: string, options?: CallbackManagerOptions) => T,
  methods: CallbackHandlerLike,
  options: Pick<CallbackManagerOptions, "bus"> = {},
): T {
  assertHandler(methods, "fromHandlers()");
  const manager = new Manager(undefined, options);
  manager.addHandler(methods);
  return manager;
}

/** A run manager with no handlers, whose events reach no listener (Python's `get_noop_manager`). */
export function getNoopManager(): CallbackManagerForChainRun {
  return CallbackManagerForChainRun.getNoopManager() as CallbackManagerForChainRun;
}
