/**
 * The listener and handler promises a bus waits for (`flush()`), each with the trace it belongs
 * to and the clock tick it started at. A call that has not settled `handlerTimeoutMs` after it
 * started is given up: it is reported as a `HandlerTimeoutError` and settles as failed, so the
 * trace's queue moves on, and the bus lets go of everything it held for it (payload, handler).
 */
import { ChurnMap } from "./churn-map.js";
import { HandlerTimeoutError } from "./errors.js";
import { handlerName, type CallbackHandlerLike } from "./handler.js";
import type { SweepClock } from "./sweep-clock.js";

/** How a call ended: undefined when it resolved, else what it failed with. */
export type CallOutcome = { readonly error: unknown } | undefined;

/** One call being waited for. */
export interface PendingCall {
  /** Settles when the call did, or when it was given up; never rejects. */
  readonly done: Promise<CallOutcome>;
}

interface Call {
  /** Dropped once settled: a hung promise that someone holds keeps this object, not the outcome. */
  done: Promise<CallOutcome> | undefined;
  /** The tick it began at; NOT_STARTED while it waits behind another call of its trace. */
  tick: number;
  readonly trace: string;
  readonly event: string;
  runId: string | undefined;
  /** The handler, for the timeout's message; undefined for a plain listener. */
  handler: CallbackHandlerLike | undefined;
  /** Reports a failure (its rejection, or the timeout). */
  report: ((error: unknown) => void) | undefined;
  settle: ((outcome: CallOutcome) => void) | undefined;
}

const NOT_STARTED = -1;

export class PendingCalls {
  /** In start order, which is tick order (queued calls aside): the sweep stops at the first call still in time. */
  private readonly calls = new ChurnMap<Call, Call>();
  private readonly timeoutTicks: number;

  constructor(
    private readonly clock: SweepClock,
    /** 0: calls are never given up. */
    private readonly timeoutMs: number,
  ) {
    this.timeoutTicks = timeoutMs > 0 ? clock.ticksFor(timeoutMs) : Infinity;
  }

  /** Number of calls not settled and not given up. */
  get size(): number {
    return this.calls.size;
  }

  /** Waits for `promise`; `report` hears its failure. `queued`: it begins later (see `restart`). */
  track(
    promise: PromiseLike<unknown>,
    trace: string,
    event: string,
    runId: string | undefined,
    handler: CallbackHandlerLike | undefined,
    report: (error: unknown) => void,
    queued = false,
  ): PendingCall {
    let settle!: (outcome: CallOutcome) => void;
    const done = new Promise<CallOutcome>((resolve) => {
      settle = resolve;
    });
    const call: Call = { done, tick: queued ? NOT_STARTED : this.clock.tick, trace, event, runId, handler, report, settle };
    this.calls.set(call, call);
    if (this.timeoutMs > 0) this.clock.run();
    Promise.resolve(promise).then(
      () => this.finish(call, undefined),
      (error: unknown) => this.finish(call, { error }),
    );
    return call as PendingCall;
  }

  /** A queued call has just begun: its time starts now, not when it was queued. */
  restart(pending: PendingCall): void {
    const call = pending as unknown as Call;
    if (!this.calls.delete(call)) return;
    call.tick = this.clock.tick;
    this.calls.set(call, call);
  }

  /** Gives up every call that has run for `handlerTimeoutMs`. */
  expire(): void {
    const now = this.clock.tick;
    for (const call of this.calls.values()) {
      if (call.tick === NOT_STARTED) continue;
      if (now - call.tick < this.timeoutTicks) break;
      const name = call.handler === undefined ? undefined : handlerName(call.handler);
      const error = new HandlerTimeoutError(name, call.event, call.runId, this.timeoutMs);
      this.finish(call, { error });
    }
  }

  /** The calls pending now: all of them, or those of one trace. */
  pending(trace?: string): PendingCall[] {
    const found: PendingCall[] = [];
    for (const call of this.calls.values()) if (trace === undefined || call.trace === trace) found.push(call as PendingCall);
    return found;
  }

  private finish(call: Call, outcome: CallOutcome): void {
    // A call given up earlier that settles now is already reported and settled.
    if (!this.calls.delete(call)) return;
    const { report, settle } = call;
    call.report = call.settle = call.handler = call.runId = call.done = undefined;
    if (outcome !== undefined) report?.(outcome.error);
    settle?.(outcome);
  }
}
