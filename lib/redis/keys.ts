/**
 * Key names. A trace's keys carry `{traceId}` as a Redis Cluster hash tag, so one trace stays
 * in one slot; a child run's index key names its trace, so any run id finds its stream.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** The stream of a trace's events. */
  stream(traceId: string): string {
    return `${this.prefix}:{${traceId}}:events`;
  }

  /** A child run id -> its trace's root id. */
  run(runId: string): string {
    return `${this.prefix}:run:${runId}`;
  }

  /** Root run ids scored by start time, newest last. */
  get roots(): string {
    return `${this.prefix}:roots`;
  }
}
