import { CallbackBus, CallbackManager, currentCallbacks, runWithCallbacks, shielded } from "callbus";

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("shielded", () => {
  it("passes a signal that never aborts in place of the caller's AbortSignal", async () => {
    const controller = new AbortController();
    const g = gate();
    const seen: boolean[] = [];
    const work = shielded(async (signal: AbortSignal, label: string) => {
      expect(signal).not.toBe(controller.signal);
      await g.promise;
      seen.push(signal.aborted);
      return `${label} finished`;
    });
    const pending = work(controller.signal, "job");
    controller.abort();
    g.open();
    await expect(pending).resolves.toBe("job finished");
    expect(seen).toEqual([false]);
  });

  it("drops the signal of an options object and keeps its other fields", async () => {
    const controller = new AbortController();
    controller.abort();
    const work = shielded(async (options: { signal?: AbortSignal; retries: number }) => ({ hasSignal: "signal" in options, retries: options.retries }));
    await expect(work({ signal: controller.signal, retries: 3 })).resolves.toEqual({ hasSignal: false, retries: 3 });
  });

  it("leaves other arguments and this alone", async () => {
    const counter = {
      n: 1,
      bump: shielded(async function (this: { n: number }, by: number, list: number[]) {
        this.n += by + list.length;
        return this.n;
      }),
    };
    await expect(counter.bump(2, [1, 2])).resolves.toBe(5);
  });

  it("settles with the work's own failure", async () => {
    const work = shielded(async () => {
      throw new Error("failed inside");
    });
    await expect(work()).rejects.toThrow("failed inside");
    const syncThrow = shielded((): Promise<void> => {
      throw new Error("thrown at once");
    });
    await expect(syncThrow()).rejects.toThrow("thrown at once");
  });

  it("is waited for by the bus's flush() even when nobody awaits the call", async () => {
    const bus = new CallbackBus();
    const g = gate();
    let finished = false;
    const work = shielded(
      async () => {
        await g.promise;
        finished = true;
      },
      { bus },
    );
    void work();
    const flushed = bus.flush().then(() => finished);
    g.open();
    await expect(flushed).resolves.toBe(true);
  });

  it("is tracked by the current run's bus and runs in the caller's context", async () => {
    const bus = new CallbackBus();
    const run = new CallbackManager(undefined, { bus }).handleChainStart({ name: "c" }, {});
    const g = gate();
    let sawRun = false;
    const work = shielded(async () => {
      await g.promise;
      sawRun = currentCallbacks() === run;
    });
    runWithCallbacks(run, () => void work());
    const flushed = bus.flush().then(() => sawRun);
    g.open();
    await expect(flushed).resolves.toBe(true);
  });

  it("names a wrong argument", () => {
    expect(() => shielded(undefined as unknown as () => Promise<void>)).toThrow(/shielded\(\) needs a function to wrap, got undefined/);
  });
});
