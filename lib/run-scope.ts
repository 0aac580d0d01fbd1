/**
 * A run-scoped child emitter: it hears only the events of one run (with `descendants`, also
 * those of the runs below it). It lives in its bus's index only while it has listeners, and is
 * released, listeners and all, when its run ends or errors.
 */
import { TypedEmitter, type AnyListener, type Listener, type ListenerSink } from "./emitter.js";
import type { CallbackEvents } from "./events.js";
import { runEndedError } from "./errors.js";

/** What a scope needs from its bus: somewhere to report failures, and its index. */
export interface ScopeHost extends ListenerSink {
  adoptScope(scope: RunScope): void;
  dropScope(scope: RunScope): void;
}

export class RunScope extends TypedEmitter<CallbackEvents> {
  private released = false;
  /** Told when the run ends (the iterators that follow it). */
  private readonly onRelease = new Set<() => void>();

  constructor(
    private readonly host: ScopeHost,
    /** The run this scope follows. */
    readonly runId: string,
    /** Whether it also hears the runs below `runId`. */
    readonly descendants: boolean,
  ) {
    super(host);
  }

  /** True once the run has ended and the scope has let its listeners go. */
  get isReleased(): boolean {
    return this.released;
  }

  override on<E extends keyof CallbackEvents>(event: E, listener: Listener<CallbackEvents[E]>): this {
    this.assertOpen();
    super.on(event, listener);
    this.host.adoptScope(this);
    return this;
  }

  override once<E extends keyof CallbackEvents>(event: E, listener: Listener<CallbackEvents[E]>): this {
    this.assertOpen();
    super.once(event, listener);
    this.host.adoptScope(this);
    return this;
  }

  override onAny(listener: AnyListener): this {
    this.assertOpen();
    super.onAny(listener);
    this.host.adoptScope(this);
    return this;
  }

  /** @internal The bus hands this scope an event of its run. */
  receive(event: string, payload: unknown): void {
    this.deliver(event, payload);
  }

  /** @internal The run ended: every listener goes. */
  release(): void {
    this.released = true;
    this.ee.removeAllListeners();
    this.mayHaveListeners = false;
    this.anyListeners = [];
    for (const ended of this.onRelease) ended();
    this.onRelease.clear();
  }

  /** @internal Calls `ended` when the run ends (a run reused by a nested start ends with its outer start). */
  whenReleased(ended: () => void): void {
    this.onRelease.add(ended);
  }

  /** @internal */
  offReleased(ended: () => void): void {
    this.onRelease.delete(ended);
  }

  protected override listenersChanged(): void {
    if (!this.released && this.listenerCount() === 0) this.host.dropScope(this);
  }

  private assertOpen(): void {
    if (this.released) throw runEndedError(this.runId, "its scope cannot take new listeners");
  }
}
