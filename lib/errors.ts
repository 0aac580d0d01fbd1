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
