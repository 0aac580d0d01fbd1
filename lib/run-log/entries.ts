/** The entries run logs hand to readers, and the wait a following reader does between appends. */
import type { CallbackEventName, RunEvent } from "../events.js";
import type { RunLogEntry, RunLogGap } from "./run-log.js";

/**
 * An event entry read back from a log. The log keeps the payload's JSON (made once, when it
 * was appended); the payload object is parsed from it only if a reader asks for it.
 */
export class LoggedEvent {
  private parsed: RunEvent | undefined;

  constructor(
    readonly id: string,
    readonly event: CallbackEventName,
    readonly data: string,
  ) {}

  get payload(): RunEvent {
    return (this.parsed ??= JSON.parse(this.data) as RunEvent);
  }
}

/** The entry that tells a reader entries after `after` up to `first` (exclusive) are gone. */
export function gapEntry(runId: string, after: string, first: string): RunLogEntry {
  const payload: RunLogGap = { runId, after, first };
  return { id: after, event: "gap", payload, data: JSON.stringify(payload) };
}

/** Readers waiting for a trace's next entry (or a run's start): woken all at once. */
export class WakeList {
  private waiting = new Set<() => void>();

  get size(): number {
    return this.waiting.size;
  }

  add(wake: () => void): void {
    this.waiting.add(wake);
  }

  delete(wake: () => void): void {
    this.waiting.delete(wake);
  }

  /** Calls every waiting reader once; readers that wait again join a new list. */
  wakeAll(): void {
    if (this.waiting.size === 0) return;
    const woken = this.waiting;
    this.waiting = new Set();
    for (const wake of woken) wake();
  }
}

/**
 * One reader's waits between entries: one abort listener for the whole read and one promise
 * per wait, so a thousand readers of a live trace cost little per entry.
 */
export class Waiter {
  private resolve: (() => void) | undefined;
  private list: WakeList | undefined;
  private readonly wake = (): void => {
    const resolve = this.resolve;
    this.resolve = undefined;
    this.list = undefined;
    resolve?.();
  };

  constructor(private readonly signal: AbortSignal | undefined) {
    signal?.addEventListener("abort", this.abort);
  }

  /** Resolves at the next `wakeAll()` of `list`, or when the signal aborts. */
  wait(list: WakeList): Promise<void> {
    if (this.signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.list = list;
      list.add(this.wake);
    });
  }

  /** Ends the read's waiting for good: leaves no listener on the signal and no entry in a list. */
  dispose(): void {
    this.signal?.removeEventListener("abort", this.abort);
    this.list?.delete(this.wake);
    this.wake();
  }

  private readonly abort = (): void => {
    this.list?.delete(this.wake);
    this.wake();
  };
}
