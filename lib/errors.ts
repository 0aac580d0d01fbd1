/** The errors callbus throws for bad input, each naming what was wrong. */

/** A run that already ended was ended, errored, listened to or given a child again. */
export class RunEndedError extends Error {
  readonly code = "CALLBUS_RUN_ENDED";
  constructor(
    readonly runId: string,
    message: string,
  ) {
    super(message);
    this.name = "RunEndedError";
  }
}

export function runEndedError(runId: string, what: string): RunEndedError {
  return new RunEndedError(runId, `callbus: run ${JSON.stringify(runId)} has already ended; ${what}`);
}

/** Checks a run id: any non-empty string. */
export function assertRunId(runId: unknown, where: string): asserts runId is string {
  if (typeof runId !== "string" || runId === "") {
    throw new TypeError(`callbus: ${where} needs a non-empty string runId, got ${runId === "" ? '""' : String(runId)}`);
  }
}

/** A listener or handler call that had not settled after `handlerTimeoutMs`: the bus gave up on it. */
export class HandlerTimeoutError extends Error {
  readonly code = "CALLBUS_HANDLER_TIMEOUT";
  constructor(
    /** The handler's name; undefined for a plain listener. */
    readonly handler: string | undefined,
    readonly event: string,
    readonly runId: string | undefined,
    readonly timeoutMs: number,
  ) {
    super(
      `callbus: ${handler === undefined ? "a listener" : `handler ${handler}`} of "${event}"${runId === undefined ? "" : ` (run ${JSON.stringify(runId)})`} did not settle within ${timeoutMs} ms; the bus stopped waiting for it`,
    );
    this.name = "HandlerTimeoutError";
  }
}

/** The reason `bus.endRun()` gives a run (and its live descendants) when none is given. */
export class RunCancelledError extends Error {
  readonly code = "CALLBUS_RUN_CANCELLED";
  constructor(
    /** The run `endRun()` was called for. */
    readonly runId: string,
    message = `callbus: run ${JSON.stringify(runId)} was ended from outside`,
  ) {
    super(message);
    this.name = "RunCancelledError";
  }
}

/** The reason the bus gives a run that had no event for `idleRunTimeoutMs` (and its live descendants). */
export class RunExpiredError extends Error {
  readonly code = "CALLBUS_RUN_EXPIRED";
  constructor(
    readonly runId: string,
    readonly idleMs: number,
  ) {
    super(`callbus: run ${JSON.stringify(runId)} had no event for ${idleMs} ms (idleRunTimeoutMs) and was ended by the bus`);
    this.name = "RunExpiredError";
  }
}

/** `bus.events()` fell `maxBuffered` items behind with no token left to drop: it stopped. */
export class EventStreamOverflowError extends Error {
  readonly code = "CALLBUS_EVENT_STREAM_OVERFLOW";
  constructor(readonly maxBuffered: number) {
    super(`callbus: an events() iterator fell ${maxBuffered} events behind (maxBuffered) with no token left to drop, so it stopped; read it faster or raise maxBuffered`);
    this.name = "EventStreamOverflowError";
  }
}

/** The error for a run id longer than a bus's `maxRunIdLength`. */
export function runIdTooLong(runId: string, max: number, where: string): TypeError {
  return new TypeError(`callbus: ${where} has a runId of ${runId.length} characters; this bus takes at most ${max} (maxRunIdLength)`);
}
