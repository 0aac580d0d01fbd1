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
  type RunEvent,
} from "./events.js";
import { assertRunId, runEndedError, runIdTooLong, RunCancelledError, RunExpiredError } from "./errors.js";
import { ERROR_EVENT_OF, RunRegistry, type RunState } from "./run-registry.js";
import { PendingCalls } from "./pending-calls.js";
import { SweepClock, sweepPeriod } from "./sweep-clock.js";
import { RunScope, type ScopeHost } from "./run-scope.js";
import {
  callHandler,
  describeHandlerFailure,
  dispatchToHandlers,
  handlerWants,
  type DispatchHost,
} from "./dispatch.js";
import { TraceQueues } from "./trace-queues.js";
import { assertHandler, handlerName, type CallbackHandlerLike } from "./handler.js";
import { EventStream, type EventStreamOptions } from "./event-stream.js";
import { createLangChainHandler, type LangChainHandler, type LangChainHandlerOptions } from "./langchain-handler.js";
import type { RunLog } from "./run-log/run-log.js";

const NO_HANDLERS: readonly CallbackHandlerLike[] = Object.freeze([]);

/** Options of `bus.run()`. */
export interface RunScopeOptions {
  /** Also hear the events of every run below this one. */
  descendants?: boolean;
}

/** Options of `new CallbackBus()`. */
export interface CallbackBusOptions {
  /**
   * Where every event of every run on the bus is recorded, once, before any handler or
   * listener hears it. A log that throws is reported on `listenerError` and the run goes on.
   */
  log?: RunLog;
  /**
   * A listener or handler call whose promise has not settled after this many milliseconds is
   * given up: it is reported on `listenerError` as a `HandlerTimeoutError`, the next call of its
   * trace starts, and `flush()` stops waiting for it. `0`: never. Default 30 000.
   */
  handlerTimeoutMs?: number;
  /**
   * A run with no event (its own or a live descendant's) for this many milliseconds is ended by
   * the bus, as by `endRun(runId, new RunExpiredError(…))`. `0`: never. Default 3 600 000.
   */
  idleRunTimeoutMs?: number;
  /** A start with a longer run id is refused with a `TypeError`. Default 256. */
  maxRunIdLength?: number;
}

/** Options of `bus.flush()`. */
export interface FlushOptions {
  /** Resolve after this many milliseconds at the latest (then `settled` is false if calls are left). */
  timeoutMs?: number;
  /** Wait only for the calls of this run's trace (its root run's, and every run below it). */
  runId?: string;
}

/** What `bus.flush()` resolves to. */
export interface FlushResult {
  /** True when every call it waited for has settled (or was given up after `handlerTimeoutMs`). */
  settled: boolean;
  /** How many of the calls it waited for are still pending. */
  pending: number;
}

const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;
const DEFAULT_IDLE_RUN_TIMEOUT_MS = 3_600_000;
const DEFAULT_MAX_RUN_ID_LENGTH = 256;

/** A number of milliseconds from the options: finite and not negative (0 turns the timeout off). */
function durationOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`callbus: new CallbackBus({ ${name} }) must be a number of milliseconds, 0 or more (0 = never), got ${typeof value === "number" ? value : typeof value}`);
  }
  return value;
}

/**
 * The central bus. It serves as its own listener sink, scope host and dispatch host (the
 * internal members below); the declarations name no such interface, so none of it is public.
 */
export class CallbackBus extends TypedEmitter<BusEvents> {
  /** The run log every event on this bus is appended to, if one was given. */
  readonly log: RunLog | undefined;
  /** @internal Runs started and not ended. */
  readonly runs: RunRegistry;
  /** @internal Listener and handler promises not yet settled, for `flush()` and the handler timeout. */
  readonly calls: PendingCalls;
  /** @internal Each handler's async calls per trace, for this bus's traces only. */
  readonly queues = new TraceQueues();
  /** @internal */
  protected override readonly sink: ListenerSink & ScopeHost & DispatchHost = this;
  private readonly ownScopes = new Map<string, RunScope>();
  private readonly treeScopes = new Map<string, RunScope>();
  /** `raiseError` failures no caller awaited, by trace, for `flush()`. */
  private unclaimed: { error: unknown; trace: string }[] = [];
  /** A `raiseError` failure of an attached handler during the current dispatch, thrown once everyone had the event. */
  private raised: { error: unknown } | undefined;
  /** The start being dispatched whose run name callbus derived, if it is one (see `dispatch`). */
  private derivedNamePayload: object | undefined;
  private readonly maxRunIdLength: number;
  private readonly idleRunTimeoutMs: number;
  /** The clock behind the handler timeout and idle expiry: one timer per bus, off while nothing is watched. */
  private readonly clock: SweepClock;
  /** Idle runs are looked for every `idleScanTicks` ticks, and are idle after `idleTicks` (0: never). */
  private readonly idleTicks: number;
  private readonly idleScanTicks: number;

  constructor(options: CallbackBusOptions = {}) {
    super();
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`callbus: new CallbackBus() takes an options object, got ${options === null ? "null" : typeof options}`);
    }
    const { log, maxRunIdLength = DEFAULT_MAX_RUN_ID_LENGTH } = options;
    if (log !== undefined && (typeof log !== "object" || log === null || typeof log.append !== "function")) {
      throw new TypeError("callbus: new CallbackBus({ log }) needs a RunLog (an object with an append method)");
    }
    if (!(Number.isInteger(maxRunIdLength) || maxRunIdLength === Infinity) || maxRunIdLength < 1) {
      throw new TypeError(`callbus: new CallbackBus({ maxRunIdLength }) must be a whole number of characters, 1 or more, got ${String(maxRunIdLength)}`);
    }
    const handlerTimeoutMs = durationOption(options.handlerTimeoutMs, "handlerTimeoutMs", DEFAULT_HANDLER_TIMEOUT_MS);
    this.idleRunTimeoutMs = durationOption(options.idleRunTimeoutMs, "idleRunTimeoutMs", DEFAULT_IDLE_RUN_TIMEOUT_MS);
    this.log = log;
    this.maxRunIdLength = maxRunIdLength;
    this.runs = new RunRegistry(maxRunIdLength);
    this.clock = new SweepClock(sweepPeriod(handlerTimeoutMs, this.idleRunTimeoutMs), () => this.sweep());
    this.calls = new PendingCalls(this.clock, handlerTimeoutMs);
    this.idleTicks = this.idleRunTimeoutMs > 0 ? this.clock.ticksFor(this.idleRunTimeoutMs) : 0;
    this.idleScanTicks = Math.max(1, Math.floor(this.idleTicks / 4));
  }

  /** @internal */
  protected override checkEvent(event: string): void {
    if (event !== "listenerError") eventInfo(event);
  }

  /** Emits one callback event. Returns true when a listener (of any kind) heard it. */
  emit<E extends CallbackEventName>(event: E, payload: CallbackEvents[E]): boolean {
    void this.dispatch(eventInfo(event), payload, NO_HANDLERS, false);
    return this.ee.listenerCount(event) > 0 || this.anyListeners.length > 0;
  }

  /**
   * @internal The one path of every event: registry, then `handlers` (a manager's), then
   * listeners and scopes; a run's state and scopes are freed when it ends. With `wait`, the
   * returned promise settles when the handlers' calls have. `derivedName`: a start whose run
   * name callbus derived (handlers then get no `runName` argument, as from LangChain).
   */
  dispatch(
    info: EventInfo,
    payload: { runId: string; parentRunId?: string },
    handlers: readonly CallbackHandlerLike[],
    wait: boolean,
    derivedName = false,
  ): Promise<void> | undefined {
    const { runId } = payload;
    if (typeof runId !== "string" || runId === "") assertRunId(runId, `${info.name} payload`);
    const { phase } = info;
    let state: RunState | undefined;
    if (phase === "start") {
      if (runId.length > this.maxRunIdLength) throw runIdTooLong(runId, this.maxRunIdLength, `${info.name} payload`);
      state = this.runs.begin(runId, payload, ERROR_EVENT_OF[info.name], this.clock.tick);
      if (this.idleTicks !== 0) this.clock.run();
    } else if ((state = this.runs.get(runId)) !== undefined) {
      state.seen = this.clock.tick;
    } else if (this.runs.wasEndedByBus(runId)) {
      // The bus ended this run itself (endRun, idle expiry): its listeners and scopes saw that
      // end. Only a manager's own handlers, which did not, hear what the run still sends.
      return handlers.length === 0 ? undefined : dispatchToHandlers(this, handlers, info, payload, wait);
    } else if (phase === "end" && this.runs.hasEnded(runId)) {
      throw runEndedError(runId, `${info.name} was not emitted again`);
    }
    const outer = this.raised;
    this.raised = undefined;
    // Known for this dispatch only (a handler may start a nested run), so nothing is kept per payload.
    const outerDerived = this.derivedNamePayload;
    this.derivedNamePayload = derivedName ? payload : undefined;
    let raised: { error: unknown } | undefined;
    let waiting: Promise<void> | undefined;
    try {
      if (this.log !== undefined) this.record(this.log, info.name, payload as RunEvent);
      if (handlers.length !== 0) {
        try {
          waiting = dispatchToHandlers(this, handlers, info, payload, wait);
        } catch (error) {
          // A manager's raiseError handler refused the start: the run never began on the bus.
          if (phase === "start") {
            this.runs.forget(runId);
            throw error;
          }
          this.raised ??= { error };
        }
      }
      this.deliver(info.name, payload);
      if (this.ownScopes.size !== 0 || this.treeScopes.size !== 0) this.deliverToScopes(info.name, payload, state);
    } finally {
      raised = this.raised;
      this.raised = outer;
      this.derivedNamePayload = outerDerived;
      if (phase === "end") this.closeRun(runId);
    }
    // A raiseError handler's failure reaches the caller once every listener and scope had the event.
    if (raised !== undefined) throw raised.error;
    return waiting;
  }

  /**
   * Ends a live run from outside: first each of its live descendants, deepest first, then the
   * run itself, each with the error event of its kind (`chainError`, `llmError`, `toolError`,
   * `retrieverError`) carrying `reason` (default a `RunCancelledError`), so that scopes, iterators,
   * SSE clients and attached tracers see it end. Later events of those runs reach only the
   * handlers of the manager that sends them. Returns false when `runId` is not a live run.
   */
  endRun(runId: string, reason?: Error): boolean {
    assertRunId(runId, "bus.endRun()");
    if (reason !== undefined && !(reason instanceof Error)) {
      throw new TypeError(`callbus: bus.endRun() takes an Error as reason, got ${reason === null ? "null" : typeof reason}`);
    }
    if (this.runs.get(runId) === undefined) return false;
    const failure = this.endRuns([runId], () => reason ?? new RunCancelledError(runId));
    // An attached raiseError handler's failure, unchanged, whatever it threw.
    if (failure !== undefined) throw failure.error;
    return true;
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
    const subscriptions: [string, (payload: unknown) => void][] = [];
    for (const name in EVENT_INFO) {
      const info = eventInfo(name);
      if (!handlerWants(handler, info)) continue;
      // Not guarded: callHandler isolates failures itself and lets raiseError through.
      const listener = (payload: unknown) => {
        try {
          void callHandler(this, handler, info, payload as RunEvent, false);
        } catch (error) {
          // Thrown to the emitter once every other listener and scope had the event.
          this.raised ??= { error };
        }
      };
      this.ee.on(name, listener);
      this.mayHaveListeners = true;
      subscriptions.push([name, listener]);
    }
    if (subscriptions.length === 0) {
      throw new TypeError(`callbus: bus.attach() got ${handlerName(handler)}, which has no handleX method for any event it does not ignore`);
    }
    return () => {
      for (const [name, listener] of subscriptions.splice(0)) this.ee.removeListener(name, listener);
      this.checkListeners();
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
   * Resolves when every listener and handler promise started so far has settled (or was given
   * up after `handlerTimeoutMs`); with `runId`, only those of that run's trace; with `timeoutMs`,
   * at that time at the latest. Rejects with the failure of a `raiseError` handler that no
   * caller awaited.
   */
  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`callbus: bus.flush() takes an options object like { timeoutMs, runId }, got ${options === null ? "null" : typeof options}`);
    }
    const { timeoutMs, runId } = options;
    if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !(timeoutMs >= 0))) {
      throw new TypeError(`callbus: bus.flush({ timeoutMs }) must be a number of milliseconds, 0 or more, got ${String(timeoutMs)}`);
    }
    if (runId !== undefined) assertRunId(runId, "bus.flush()");
    const trace = runId === undefined ? undefined : this.runs.traceOf(runId, undefined);
    const calls = this.calls.pending(trace);
    let left = calls.length;
    if (left !== 0) {
      const all = Promise.all(calls.map((call) => call.done.then(() => {
          left--;
        })));
      // A hung call is given up by the clock, whose timer alone does not keep the process alive.
      this.clock.hold();
      try {
        if (timeoutMs === undefined) {
          await all;
        } else {
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
          clearTimeout(timer);
        }
      } finally {
        this.clock.release();
      }
    }
    const failure = this.takeUnclaimed(trace);
    // The raiseError handler's own failure, unchanged, whatever it threw.
    if (failure !== undefined) throw failure.error;
    return { settled: left === 0, pending: left };
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
  hasDerivedName(payload: object): boolean {
    return this.derivedNamePayload === payload;
  }

  /** @internal */
  track(promise: PromiseLike<unknown>, event: string, payload: unknown): void {
    const { runId, parentRunId } = (payload ?? {}) as { runId?: unknown; parentRunId?: unknown };
    const id = typeof runId === "string" ? runId : undefined;
    const trace = id === undefined ? "" : this.runs.traceOf(id, typeof parentRunId === "string" ? parentRunId : undefined);
    this.calls.track(promise, trace, event, id, undefined, (error) => this.listenerFailed(error, event, payload));
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
  handlerFailed(error: unknown, handler: CallbackHandlerLike, info: EventInfo, payload: { runId: string; parentRunId?: string }, unclaimed: boolean): void {
    if (unclaimed) this.unclaimed.push({ error, trace: this.runs.traceOf(payload.runId, payload.parentRunId) });
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

  /** Appends one event to the run log; a failing log is reported like a failing listener. */
  private record(log: RunLog, event: CallbackEventName, payload: RunEvent): void {
    try {
      log.append(event, payload);
    } catch (error) {
      this.listenerFailed(error, event, payload);
    }
  }

  private reportFailure(report: ListenerErrorEvent, message: string): void {
    if (report.event === ("listenerError" as string) || this.ee.listenerCount("listenerError") === 0) {
      console.warn(message);
      return;
    }
    this.ee.emit("listenerError", report);
  }

  /** Takes the unclaimed `raiseError` failures (of one trace, or all) and returns the first. */
  private takeUnclaimed(trace: string | undefined): { error: unknown } | undefined {
    if (this.unclaimed.length === 0) return undefined;
    const taken = trace === undefined ? this.unclaimed : this.unclaimed.filter((entry) => entry.trace === trace);
    this.unclaimed = trace === undefined ? [] : this.unclaimed.filter((entry) => entry.trace !== trace);
    return taken[0];
  }

  /**
   * `state`: the run's, when it is live. The walk goes up by the parents the registry keeps,
   * which never form a cycle; a run never seen to start still names its parent, and a walk that
   * comes back to the run itself (the top of a chain it never started) stops there.
   */
  private deliverToScopes(event: string, payload: { runId: string; parentRunId?: string }, state: RunState | undefined): void {
    const { runId } = payload;
    this.ownScopes.get(runId)?.receive(event, payload);
    if (this.treeScopes.size === 0) return;
    this.treeScopes.get(runId)?.receive(event, payload);
    for (let id = state === undefined ? payload.parentRunId : state.parentRunId; id !== undefined && id !== runId; id = this.runs.parentOf(id)) {
      this.treeScopes.get(id)?.receive(event, payload);
    }
  }

  /** After a run's end event: its scopes are released, unless a run its id hid is live again. */
  private closeRun(runId: string): void {
    if (!this.runs.end(runId)) return;
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

  /**
   * Ends each of `tops` and its live descendants (deepest first) with the error event of its
   * kind, as `endRun` does. Returns the first failure of an attached `raiseError` handler.
   */
  private endRuns(tops: readonly string[], reasonOf: (runId: string) => Error): { error: unknown } | undefined {
    let failure: { error: unknown } | undefined;
    let children = this.runs.childIndex();
    for (const top of tops) {
      const reason = reasonOf(top);
      // A reused id hides a run that is live again once the latest ends: that one ends too.
      for (let round = 0; this.runs.get(top) !== undefined; round++) {
        if (round > 0) children = this.runs.childIndex();
        for (const runId of [...this.runs.descendants(top, children), top]) {
          const state = this.runs.get(runId);
          if (state === undefined) continue;
          const payload = { runId, parentRunId: state.parentRunId, tags: state.tags ?? [], metadata: state.metadata ?? {}, error: reason };
          try {
            void this.dispatch(EVENT_INFO[state.errorEvent], payload, NO_HANDLERS, false);
          } catch (error) {
            failure ??= { error };
          }
          this.runs.markEndedByBus(runId);
        }
      }
    }
    return failure;
  }

  /** At each tick of the clock: gives up hung calls, ends idle runs; true while anything is watched. */
  private sweep(): boolean {
    this.calls.expire();
    if (this.idleTicks !== 0 && this.clock.tick % this.idleScanTicks === 0) {
      const tops = this.runs.idleTops(this.clock.tick - this.idleTicks);
      if (tops.length !== 0) {
        const failure = this.endRuns(tops, (runId) => new RunExpiredError(runId, this.idleRunTimeoutMs));
        // No caller to hand it to: flush() rejects with it.
        if (failure !== undefined) this.unclaimed.push({ error: failure.error, trace: "" });
      }
    }
    return this.calls.size !== 0 || (this.idleTicks !== 0 && this.runs.size !== 0);
  }
}
