/**
 * One coarse clock per bus for everything that expires (hung calls, idle runs): a single
 * interval timer that ticks while something is watched and stops at the first tick that finds
 * nothing. What it watches is stamped with `tick`, a plain number read, so nothing is scheduled
 * per event, per call or per run. The timer never keeps the process alive.
 */
export class SweepClock {
  /** Ticks since the bus was made, counted only while the clock runs. */
  tick = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** How many callers wait for the clock (`flush()`): while any does, it keeps the process alive. */
  private holds = 0;
  private readonly onTick = (): void => {
    this.tick++;
    if (!this.sweep()) this.stop();
  };

  /**
   * `periodMs`: time between ticks (0: the clock never runs). `sweep` runs at each tick and
   * returns whether anything is still watched.
   */
  constructor(
    readonly periodMs: number,
    private readonly sweep: () => boolean,
  ) {}

  /** Starts the clock unless it runs (or never runs): one comparison when it does. */
  run(): void {
    if (this.timer !== undefined || this.periodMs === 0) return;
    this.timer = setInterval(this.onTick, this.periodMs);
    if (this.holds === 0) this.timer.unref();
  }

  /**
   * Someone awaits what the clock will do (a `flush()` waiting for a hung call to be given up):
   * until `release()`, the clock keeps the process alive, so that the wait ends as promised.
   */
  hold(): void {
    this.holds++;
    this.timer?.ref();
  }

  release(): void {
    this.holds--;
    if (this.holds === 0) this.timer?.unref();
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * How many ticks make at least `ms`: something stamped at tick t is `ms` old at the latest by
   * tick t + ticksFor(ms) (stamped just after a tick, it is one period younger than its ticks).
   */
  ticksFor(ms: number): number {
    return Math.ceil(ms / this.periodMs) + 1;
  }
}

/** The period a bus's clock needs for its timeouts (0 = none): a quarter of the shortest. */
export function sweepPeriod(...timeoutsMs: number[]): number {
  const set = timeoutsMs.filter((ms) => ms > 0);
  if (set.length === 0) return 0;
  return Math.min(2 ** 31 - 1, Math.max(1, Math.floor(Math.min(...set) / 4)));
}
