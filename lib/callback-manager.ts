/**
 * Callback managers (LangChain.js names and positional parameters): lists of inheritable and
 * local handlers, tags and metadata, and the start methods that open runs. Every event goes to
 * the manager's handlers and to its bus.
 */
import { nanoid } from "nanoid";
import { defaultBus, type CallbackBus } from "./bus.js";
import { EVENT_INFO } from "./events.js";
import { assertHandler, type CallbackHandlerLike } from "./handler.js";
import type { ChainValues, MessageLike, Serialized } from "./shapes.js";
import {
  AsyncCallbackManagerForChainRun,
  AsyncCallbackManagerForLLMRun,
  AsyncCallbackManagerForRetrieverRun,
  AsyncCallbackManagerForToolRun,
  CallbackManagerForChainRun,
  CallbackManagerForLLMRun,
  CallbackManagerForRetrieverRun,
  CallbackManagerForToolRun,
  type AsyncMode,
  type BaseRunManager,
  type Mode,
  type SyncMode,
} from "./run-managers.js";
import { configureManager, type ConfigureOptions, type Callbacks } from "./configure.js";

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

/** The run name a start event carries: the given one, else `serialized.name`, else the last id part. */
function runName(serialized: Serialized | undefined, given: string | undefined): string | undefined {
  return given ?? serialized?.name ?? serialized?.id?.[serialized.id.length - 1];
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

  /** Adds a handler (inheritable by default) unless it is already there. */
  addHandler(handler: CallbackHandlerLike, inherit = true): void {
    assertHandler(handler, "addHandler()");
    if (!this.handlers.includes(handler)) this.handlers.push(handler);
    if (inherit && !this.inheritableHandlers.includes(handler)) this.inheritableHandlers.push(handler);
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
    const names = Array.isArray(keys) ? (keys as readonly string[]) : Object.keys(keys);
    for (const key of names) {
      delete this.metadata[key];
      delete this.inheritableMetadata[key];
    }
  }

  /** A manager of the same class that shares no mutable list with this one. */
  copy(additionalHandlers: readonly CallbackHandlerLike[] = [], inherit = true): this {
    const Ctor = this.constructor as new (parentRunId?: string, options?: CallbackManagerOptions) => this;
    const copy = new Ctor(this.parentRunId, this.toOptions());
    for (const handler of additionalHandlers) copy.addHandler(handler, inherit);
    return copy;
  }

  /** The union of both managers' handlers, tags and metadata, keeping this one's parent run. */
  merge(other: BaseCallbackManager<Mode>): this {
    const merged = this.copy();
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
      return this.started(run, EVENT_INFO.llmStart.emitFrom(run, { serialized, prompts: [prompt], extraParams, name: runName(serialized, name) }));
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
      return this.started(run, EVENT_INFO.chatModelStart.emitFrom(run, { serialized, messages: [list], extraParams, name: runName(serialized, name) }));
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
    return this.started(run, EVENT_INFO.chainStart.emitFrom(run, { serialized, inputs, runType, name: runName(serialized, name), extraParams: extra })) as M["chain"];
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
    return this.started(run, EVENT_INFO.toolStart.emitFrom(run, { serialized, input, name: runName(serialized, name), toolCallId })) as M["tool"];
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
    return this.started(run, EVENT_INFO.retrieverStart.emitFrom(run, { serialized, query, name: runName(serialized, name) })) as M["retriever"];
  }

  /** A custom event for the run `runId` (LangChain.js calls this from `dispatchCustomEvent`). */
  handleCustomEvent(eventName: string, data: unknown, runId: string, tags?: string[], metadata?: Meta): M["done"] {
    const payload = { eventName, data, runId, parentRunId: this.parentRunId, tags: unionTags(this.tags, tags), metadata: { ...this.metadata, ...metadata } };
    const waiting = this.bus.dispatch(EVENT_INFO.customEvent!, payload, this.handlers, this.isAsync);
    return (this.isAsync ? (waiting ?? Promise.resolve()) : undefined) as M["done"];
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
    return this.isAsync ? (sent as Promise<void>).then(() => run) : run;
  }

  private startEach<T>(items: readonly T[], runId: string | undefined, startOne: (item: T, id: string | undefined) => unknown): M["llm"] {
    const runs = items.map((item, i) => startOne(item, i === 0 ? runId : undefined));
    return (this.isAsync ? Promise.all(runs) : runs) as M["llm"];
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
export class CallbackManager extends BaseCallbackManager<SyncMode> {
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
