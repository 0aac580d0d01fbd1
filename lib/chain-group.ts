/**
 * Chain groups (Python's `trace_as_chain_group`): one chain run named by the user around a
 * block of code, so that calls which are not in one chain appear under one parent run.
 */
import { currentCallbacks, runWithCallbacks } from "./async-context.js";
import { AsyncCallbackManager, CallbackManager, type CallbackManagerOptions } from "./callback-manager.js";
import type { CallbackManagerLike, Callbacks } from "./configure.js";
import { isPromiseLike } from "./emitter.js";
import type { CallbackHandlerLike } from "./handler.js";
import type { AsyncCallbackManagerForChainRun, CallbackManagerForChainRun } from "./callback-manager.js";
import type { ChainValues, Serialized } from "./shapes.js";

/** Options of `traceAsChainGroup` and `atraceAsChainGroup`. */
export interface ChainGroupOptions {
  /**
   * The handlers of the group run and its children: a manager (ours or LangChain.js's) or a
   * list of handlers. Without it, the current callbacks of the async context (so a group opened
   * inside a run becomes its child), else a manager on `defaultBus` with no handlers.
   */
  callbackManager?: Callbacks;
  /** The inputs of the group run (`{}` if not given). */
  inputs?: ChainValues;
  /** The id of the group run (a new id if not given). */
  runId?: string;
  /** Tags of the group run, inherited by every run inside it. */
  tags?: string[];
  /** Metadata of the group run, inherited by every run inside it. */
  metadata?: Record<string, unknown>;
}

/**
 * The manager a chain group's code gets: runs it starts have the group run as parent, and
 * `handleChainEnd(outputs)` / `handleChainError(error)` end the group run itself (otherwise it
 * ends with `{}` when the code returns, or errors when it throws).
 */
export class CallbackManagerForChainGroup extends CallbackManager {
  private groupEnded = false;

  constructor(
    /** The run manager of the group run. */
    readonly parentRunManager: CallbackManagerForChainRun,
    options: CallbackManagerOptions = parentRunManager.childOptions(),
  ) {
    super(parentRunManager.runId, options);
  }

  /** True once the group run was ended or errored through this manager. */
  get ended(): boolean {
    return this.groupEnded;
  }

  /** Ends the group run with these outputs. */
  handleChainEnd(outputs: ChainValues): void {
    this.groupEnded = true;
    this.parentRunManager.handleChainEnd(outputs);
  }

  /** Errors the group run. */
  handleChainError(error: unknown): void {
    this.groupEnded = true;
    this.parentRunManager.handleChainError(error);
  }

  override copy(additionalHandlers: readonly CallbackHandlerLike[] = [], inherit = true): this {
    const copy = new CallbackManagerForChainGroup(this.parentRunManager, this.toOptions()) as this;
    for (const handler of additionalHandlers) copy.addHandler(handler, inherit);
    return copy;
  }
}

/** The async twin of `CallbackManagerForChainGroup`: ending the group settles after its handlers. */
export class AsyncCallbackManagerForChainGroup extends AsyncCallbackManager {
  private groupEnded = false;

  constructor(
    /** The run manager of the group run. */
    readonly parentRunManager: AsyncCallbackManagerForChainRun,
    options: CallbackManagerOptions = parentRunManager.childOptions(),
  ) {
    super(parentRunManager.runId, options);
  }

  /** True once the group run was ended or errored through this manager. */
  get ended(): boolean {
    return this.groupEnded;
  }

  /** Ends the group run with these outputs. */
  handleChainEnd(outputs: ChainValues): Promise<void> {
    this.groupEnded = true;
    return this.parentRunManager.handleChainEnd(outputs);
  }

  /** Errors the group run. */
  handleChainError(error: unknown): Promise<void> {
    this.groupEnded = true;
    return this.parentRunManager.handleChainError(error);
  }

  override copy(additionalHandlers: readonly CallbackHandlerLike[] = [], inherit = true): this {
    const copy = new AsyncCallbackManagerForChainGroup(this.parentRunManager, this.toOptions()) as this;
    for (const handler of additionalHandlers) copy.addHandler(handler, inherit);
    return copy;
  }
}

/**
 * Runs `fn` inside a chain run named `groupName`. `fn` gets the group's manager (start runs
 * from it to put them under the group) and runs with the group as its current callbacks, so
 * `dispatchCustomEvent` inside it reaches the group run. Returns what `fn` returns.
 *
 * The run ends with the outputs given to `group.handleChainEnd(outputs)`, else `{}`, when `fn`
 * returns; when `fn` returns a promise, when that promise settles. If `fn` throws or rejects,
 * the run errors and the error is re-thrown. Handlers are not awaited (see `atraceAsChainGroup`).
 *
 * @example
 * ```ts
 * traceAsChainGroup("my_group", (group) => {
 *   const run = group.handleChainStart({ name: "step" }, { x: 1 });
 *   run.handleChainEnd({ y: 2 });
 *   group.handleChainEnd({ total: 2 });
 * }, { inputs: { x: 1 }, tags: ["batch"] });
 * ```
 */
export function traceAsChainGroup<T>(groupName: string, fn: (group: CallbackManagerForChainGroup) => T, options: ChainGroupOptions = {}): T {
  checkArguments(groupName, fn, options, "traceAsChainGroup()");
  const manager = CallbackManager.configure(baseCallbacks(options.callbackManager), undefined, {
    inheritableTags: options.tags,
    inheritableMetadata: options.metadata,
  });
  const run = manager.handleChainStart(groupSerialized(groupName), options.inputs ?? {}, options.runId, undefined, undefined, undefined, groupName);
  const group = new CallbackManagerForChainGroup(run);
  let result: T;
  try {
    result = runWithCallbacks(group, () => fn(group));
  } catch (error) {
    if (!group.ended) run.handleChainError(error);
    throw error;
  }
  if (!isPromiseLike(result)) {
    if (!group.ended) run.handleChainEnd({});
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      if (!group.ended) run.handleChainEnd({});
      return value;
    },
    (error: unknown) => {
      if (!group.ended) run.handleChainError(error);
      throw error;
    },
  ) as T;
}

/** `traceAsChainGroup` with the async manager family: every start and end awaits the handlers. */
export async function atraceAsChainGroup<T>(
  groupName: string,
  fn: (group: AsyncCallbackManagerForChainGroup) => T | PromiseLike<T>,
  options: ChainGroupOptions = {},
): Promise<T> {
  checkArguments(groupName, fn, options, "atraceAsChainGroup()");
  const manager = AsyncCallbackManager.configure(baseCallbacks(options.callbackManager), undefined, {
    inheritableTags: options.tags,
    inheritableMetadata: options.metadata,
  });
  const run = await manager.handleChainStart(groupSerialized(groupName), options.inputs ?? {}, options.runId, undefined, undefined, undefined, groupName);
  const group = new AsyncCallbackManagerForChainGroup(run);
  let result: T;
  try {
    result = await runWithCallbacks(group, () => fn(group));
  } catch (error) {
    if (!group.ended) await run.handleChainError(error);
    throw error;
  }
  if (!group.ended) await run.handleChainEnd({});
  return result;
}

/** How a group run describes itself: Python passes `{ name }`, LangChain.js a groups id. */
function groupSerialized(name: string): Serialized {
  return { lc: 1, type: "not_implemented", id: ["langchain", "callbacks", "groups", name], name };
}

/** The given callbacks, else the current ones: a manager as it is, a run manager as its child manager. */
function baseCallbacks(given: Callbacks | undefined): Callbacks | undefined {
  if (given !== undefined) return given;
  const current = currentCallbacks();
  if (current === undefined || !("runId" in current)) return current;
  return { ...current.childOptions(), parentRunId: current.runId } as CallbackManagerLike;
}

function checkArguments(groupName: unknown, fn: unknown, options: unknown, where: string): void {
  if (typeof groupName !== "string" || groupName === "") {
    throw new TypeError(`callbus: ${where} needs a non-empty string group name, got ${groupName === "" ? '""' : typeof groupName}`);
  }
  if (typeof fn !== "function") throw new TypeError(`callbus: ${where} needs a function to run inside the group, got ${typeof fn}`);
  if (options === null || typeof options !== "object") throw new TypeError(`callbus: ${where} takes an options object, got ${options === null ? "null" : typeof options}`);
}
