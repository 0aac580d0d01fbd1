/**
 * Per handler, per trace: the promise of the handler's last call of that trace, so its next
 * call of the trace starts after it (a tracer never sees an end before its start). Each bus
 * owns one, so buses never wait on each other, and a bus with nothing queued skips the lookup.
 */
import { ChurnMap } from "./churn-map.js";

export class TraceQueues {
  private readonly tails = new WeakMap<object, ChurnMap<string, Promise<unknown>>>();
  private queued = 0;

  /** True while no call is queued or running anywhere: no call needs to look for a tail. */
  get idle(): boolean {
    return this.queued === 0;
  }

  /** The handler's queue, if it has one. */
  of(handler: object): ChurnMap<string, Promise<unknown>> | undefined {
    return this.tails.get(handler);
  }

  /** Makes `tail` the last call of `handler` in `trace`; it leaves the queue once it settled and nothing followed it. */
  push(handler: object, trace: string, tail: Promise<unknown>, queue: ChurnMap<string, Promise<unknown>> | undefined = this.tails.get(handler)): void {
    if (queue === undefined) this.tails.set(handler, (queue = new ChurnMap<string, Promise<unknown>>()));
    if (!queue.has(trace)) this.queued++;
    queue.set(trace, tail);
    const calls = queue;
    void tail.then(() => {
      if (calls.get(trace) !== tail) return;
      calls.delete(trace);
      this.queued--;
    });
  }
}
