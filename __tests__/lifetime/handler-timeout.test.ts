/**
 * `handlerTimeoutMs`: a listener or handler call that never settles is given up, reported as a
 * `HandlerTimeoutError` naming handler, event and run; its trace's queue moves on and `flush()`
 * stops waiting for it. `flush({ timeoutMs, runId })` waits for one trace, up to a time.
 */
import { AsyncCallbackManager, CallbackBus, CallbackManager, HandlerTimeoutError, type CallbackHandlerLike, type ListenerErrorEvent } from "callbus";

const never = () => new Promise<void>(() => undefined);

function reports(bus: CallbackBus): ListenerErrorEvent[] {
  const seen: ListenerErrorEvent[] = [];
  bus.on("listenerError", (report) => void seen.push(report));
  return seen;
}

describe("handlerTimeoutMs", () => {
  test("a hung handler call is given up: reported with handler, event and run, and the next call of its trace runs", async () => {
    const bus = new CallbackBus({ handlerTimeoutMs: 40 });
    const seen = reports(bus);
    const calls: string[] = [];
    const hung: CallbackHandlerLike = {
      name: "hung",
      handleChainStart: (_s: unknown, _i: unknown, runId: string) => {
        calls.push(`start ${runId}`);
        return never();
      },
      handleChainEnd: async (_o: unknown, runId: string) => void calls.push(`end ${runId}`),
    };
    const run = new CallbackManager(undefined, { bus, handlers: [hung] }).handleChainStart({}, {}, "r");
    run.handleChainEnd({});
    expect(calls).toEqual(["start r"]);
    expect(await bus.flush()).toEqual({ settled: true, pending: 0 });
    expect(calls).toEqual(["start r", "end r"]);
    expect(seen).toHaveLength(1);
    const { error, event, runId, handler } = seen[0];
    expect({ event, runId, handler }).toEqual({ event: "chainStart", runId: "r", handler: "hung" });
    expect(error).toBeInstanceOf(HandlerTimeoutError);
    expect(error).toMatchObject({ handler: "hung", event: "chainStart", runId: "r", timeoutMs: 40, code: "CALLBUS_HANDLER_TIMEOUT" });
    expect((error as Error).message).toBe('callbus: handler hung of "chainStart" (run "r") did not settle within 40 ms; the bus stopped waiting for it');
  });

  test("a queued call's time starts when it begins, not while it waits behind a slow one", async () => {
    const bus = new CallbackBus({ handlerTimeoutMs: 400 });
    const seen = reports(bus);
    const done: string[] = [];
    const slow: CallbackHandlerLike = {
      name: "slow",
      handleChainStart: () => new Promise<void>((resolve) => setTimeout(resolve, 300)),
      handleChainEnd: () => new Promise<void>((resolve) => setTimeout(() => resolve(void done.push("end")), 300)),
    };
    new CallbackManager(undefined, { bus, handlers: [slow] }).handleChainStart({}, {}, "q").handleChainEnd({});
    expect(await bus.flush()).toEqual({ settled: true, pending: 0 });
    expect(done).toEqual(["end"]);
    expect(seen).toEqual([]);
  });

  test("a hung listener promise is given up too (no handler named), and a hung raiseError handler rejects its awaiting caller", async () => {
    const bus = new CallbackBus({ handlerTimeoutMs: 30 });
    const seen = reports(bus);
    bus.on("text", never);
    bus.emit("text", { runId: "t", tags: [], metadata: {}, text: "x" });
    expect(await bus.flush()).toEqual({ settled: true, pending: 0 });
    expect(seen.map((r) => [r.event, r.runId, r.handler, (r.error as Error).name])).toEqual([["text", "t", undefined, "HandlerTimeoutError"]]);
    const strict: CallbackHandlerLike = { name: "strict", raiseError: true, handleText: never };
    const run = await new AsyncCallbackManager(undefined, { bus, handlers: [strict] }).handleChainStart({}, {}, "s");
    await expect(run.handleText("y")).rejects.toBeInstanceOf(HandlerTimeoutError);
  });

  test("flush({ timeoutMs }) resolves at that time with what is left; flush({ runId }) waits only for that run's trace", async () => {
    const bus = new CallbackBus({ handlerTimeoutMs: 0 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const waiting: CallbackHandlerLike = { name: "waiting", handleChainStart: () => gate };
    const quick: CallbackHandlerLike = { name: "quick", handleChainStart: async () => undefined };
    const manager = new CallbackManager(undefined, { bus, handlers: [waiting], inheritableHandlers: [waiting] });
    const root = manager.handleChainStart({}, {}, "a");
    root.getChild().handleChainStart({}, {}, "a-child");
    new CallbackManager(undefined, { bus, handlers: [quick] }).handleChainStart({}, {}, "b");
    expect(await bus.flush({ runId: "b" })).toEqual({ settled: true, pending: 0 });
    expect(await bus.flush({ timeoutMs: 20 })).toEqual({ settled: false, pending: 2 });
    expect(await bus.flush({ runId: "a-child", timeoutMs: 0 })).toEqual({ settled: false, pending: 2 });
    release();
    expect(await bus.flush({ runId: "a", timeoutMs: 1000 })).toEqual({ settled: true, pending: 0 });
    await expect(bus.flush({ timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
    expect(() => new CallbackBus({ handlerTimeoutMs: -5 })).toThrow(/handlerTimeoutMs/);
  });
});
