/**
 * The central bus: every event of every run passes through `dispatch`, which keeps the run
 * registry, calls a manager's handlers, then the bus's listeners and the run scopes that
 * follow the run or one of its ancestors. Nothing a listener does stops it.
 */
import { TypedEmitter, type ListenerSink } from "./emitter.js";
import {
  EVENT_INFO,
  eventInfo,
  type BusEvents,
  type CallbackEventName,
  type CallbackEvents,
  type EventInfo,
  type ListenerErrorEvent,
} from "./events.js";
import { assertRunId, runEndedError } from "./errors.js";
import { RunRegistry } from "./run-registry.js";
import { RunScope, type ScopeHost } from "./run-scope.js";
import {
  callHandler,
  describeHandlerFailure,
  dispatchToHandlers,
  handlerWants,
  setDefaultDispatchHost,
  type DispatchHost,
} from "./dispatch.js";
import { assertHandler, handlerName, type CallbackHandlerLike } from "./handler.js";
import { EventStream, type EventStreamOptions } from "./event-stream.js";
import { createLangChainHandler, type LangChainHandler, type LangChainHandlerOptions } from "./langchain-handler.js";

const NO_HANDLERS: readonly CallbackHandlerLike[] = Object.freeze([]);

/** Options of `bus.run()`. */
export interface RunScopeOptions {
  /** Also hear the events of every run below this one. */
  descendants?: boolean;
}

export class CallbackBus extends TypedEmitter<BusEvents> implements ListenerSink, ScopeHost, DispatchHost {
  /** @internal Runs started and not ended. */
  readonly runs = new RunRegistry();
  private readonly ownScopes = new Map<string, RunScope>();
  private readonly treeScopes = new Map<string, RunScope>();
  private readonly pending = new Set<Promise<void>>();
  private unclaimed: unknown[] = [];

  protected override checkEvent(event: string): void {
    if (event !== "listenerError") eventInfo(event);
  }

  /** Emits one callback event. Returns true when a listener (of any kind) heard it. */
  emit<E extends CallbackEventName>(event: E, payload: CallbackEvents[E]): boolean {
    this.dispatch(eventInfo(event), payload, NO_HANDLERS, false);
    return this.ee.listenerCount(event) > 0 || this.anyListeners.length > 0;
  }

  /**
   * @internal The one path of every event: registry, then `handlers` (a manager's), then
   * listeners and scopes; a run's state and scopes are freed when it ends. With `wait`, the
   * returned promise settles when the handlers' calls have.
   */
  dispatch(info: EventInfo, payload: { runId: string; parentRunId?: string }, handlers: readonly CallbackHandlerLike[], wait: boolean): Promise<void> | undefined {
    const { runId } = payload;
    if (typeof runId !== "string" || runId === "") assertRunId(runId, `${info.name} payload`);
    const { phase } = info;
    if (phase === "start") {
      this.runs.begin(runId, payload.parentRunId);
    } else if (phase === "end" && this.runs.hasEnded(runId)) {
      throw runEndedError(runId, `${info.name} was not emitted again`);
    }
    let waiting: Promise<void> | undefined;
    try {
      if (handlers.length !== 0) {
        waiting = dispatchToHandlers(this, handlers, info, payload, wait);
      }
      this.deliver(info.name, payload);
      if (this.ownScopes.size !== 0 || this.treeScopes.size !== 0) this.deliverToScopes(info.name, payload);
    } catch (error) {
      if (phase === "start") this.runs.forget(runId);
      throw error;
    } finally {
      if (phase === "end") this.endRun(runId);
    }
    return waiting;
  }

  /** A child emitter that hears only `runId` (with `descendants`, its child runs too). */
  run(runId: string, options: RunScopeOptions = {}): RunScope {
    assertRunId(runId, "bus.run()");
    if (this.runs.hasEnded(runId)) throw runEndedError(runId, "there is nothing left to listen to");
    const scopes = options.descendants === true ? this.treeScopes : this.ownScopes;
    return scopes.get(runId) ?? new RunScope(this, runId, options.descendants === true);
  }

  /**
   * Subscribes a handler object (ours, LangChain.js's, or plain methods) to every run on the
   * bus, by event name. Returns the function that detaches it.
   */
  attach(handler: CallbackHandlerLike): () => void {
    assertHandler(handler, "bus.attach()");
    const subscriptions: [string, (payload: { runId: string; parentRunId?: string }) => void][] = [];
    for (const name in EVENT_INFO) {
      const info = EVENT_INFO[name]!;
      if (!handlerWants(handler, info)) continue;
      // Not guarded: callHandler isolates failures itself and lets raiseError through.
      const listener = (payload: { runId: string; parentRunId?: string }) => {
        callHandler(this, handler, info, payload, false);
      };
      this.ee.on(name, listener);
      this.quiet = false;
      subscriptions.push([name, listener]);
    }
    if (subscriptions.length === 0) {
      throw new TypeError(`callbus: bus.attach() got ${handlerName(handler)}, which has no handleX method for any event it does not ignore`);
    }
    return () => {
      for (const [name, listener] of subscriptions.splice(0)) this.ee.removeListener(name, listener);
      this.checkQuiet();
    };
  }

  /** An async iterator of `{ event, payload }`; see EventStreamOptions for when it ends. */
  events(options: EventStreamOptions = {}): EventStream {
    return new EventStream(this, options);
  }

  /**
   * A LangChain.js callback handler (a plain object) that puts every LangChain.js callback on
   * this bus: pass it in any `callbacks` option (`invoke`, `stream`, `batch`, `streamEvents`).
   */
  asLangChainHandler(options?: LangChainHandlerOptions): LangChainHandler {
    return createLangChainHandler(this, options);
  }

  /**
   * Resolves when every listener and handler promise started so far has settled. Rejects with
   * the failure of a `raiseError` handler that no caller awaited.
   */
  async flush(): Promise<void> {
    await Promise.all(this.pending);
    const [first] = this.unclaimed;
    this.unclaimed = [];
    if (first !== undefined) throw first;
  }

  /** Number of runs started on this bus and not yet ended. */
  get activeRuns(): number {
    return this.runs.size;
  }

  /** Number of run scopes that currently hold listeners. */
  get activeScopes(): number {
    return this.ownScopes.size + this.treeScopes.size;
  }

  // --- ListenerSink, ScopeHost, DispatchHost: internal plumbing -------------------------

  /** @internal */
  track(promise: PromiseLike<unknown>, event: string, payload: unknown): void {
    const settled: Promise<void> = Promise.resolve(promise).then(
      () => {
        this.pending.delete(settled);
      },
      (error: unknown) => {
        this.pending.delete(settled);
        this.listenerFailed(error, event, payload);
      },
    );
    this.pending.add(settled);
  }

  /** @internal */
  listenerFailed(error: unknown, event: string, payload: unknown): void {
    const runId = (payload as { runId?: unknown } | null)?.runId;
    this.reportFailure(
      { error, event: event as CallbackEventName, runId: typeof runId === "string" ? runId : undefined },
      `callbus: a listener of "${event}" failed${typeof runId === "string" ? ` (run ${runId})` : ""}: ${
        error instanceof Error ? (error.stack ?? error.message) : String(error)
      }`,
    );
  }

  /** @internal */
  handlerFailed(error: unknown, handler: CallbackHandlerLike, info: EventInfo, payload: { runId: string }, unclaimed: boolean): void {
    if (unclaimed) this.unclaimed.push(error);
    this.reportFailure(
      { error, event: info.name, runId: payload.runId, handler: handlerName(handler) },
      describeHandlerFailure(handler, info, error),
    );
  }

  /** @internal */
  traceOf(runId: string, parentRunId: string | undefined): string {
    return this.runs.traceOf(runId, parentRunId);
  }

  /** @internal */
  adoptScope(scope: RunScope): void {
    (scope.descendants ? this.treeScopes : this.ownScopes).set(scope.runId, scope);
  }

  /** @internal */
  dropScope(scope: RunScope): void {
    const scopes = scope.descendants ? this.treeScopes : this.ownScopes;
    if (scopes.get(scope.runId) === scope) scopes.delete(scope.runId);
  }

  private reportFailure(report: ListenerErrorEvent, message: string): void {
    if (report.event === ("listenerError" as string) || this.ee.listenerCount("listenerError") === 0) {
      console.warn(message);
      return;
    }
    this.ee.emit("listenerError", report);
  }

  private deliverToScopes(event: string, payload: { runId: string; parentRunId?: string }): void {
    const { runId } = payload;
    this.ownScopes.get(runId)?.receive(event, payload);
    if (this.treeScopes.size === 0) return;
    // Walk up the live ancestors; a run never seen to start still names its parent.
    let id: string | undefined = runId;
    let parent: string | undefined = payload.parentRunId;
    for (let hops = 0; id !== undefined && hops < 10_000; hops++) {
      this.treeScopes.get(id)?.receive(event, payload);
      id = parent;
      parent = id === undefined ? undefined : this.runs.parentOf(id);
    }
  }

  private endRun(runId: string): void {
    this.runs.end(runId);
    const own = this.ownScopes.get(runId);
    if (own !== undefined) {
      this.ownScopes.delete(runId);
      own.release();
    }
    const tree = this.treeScopes.get(runId);
    if (tree !== undefined) {
      this.treeScopes.delete(runId);
      tree.release();
    }
  }
}

/** The bus used when none is given. */
export const defaultBus = new CallbackBus();
setDefaultDispatchHost(() => defaultBus);
