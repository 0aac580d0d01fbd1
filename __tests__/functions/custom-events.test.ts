import { RunnableLambda } from "@langchain/core/runnables";
import {
  adispatchCustomEvent,
  AsyncCallbackManager,
  BaseCallbackHandler,
  CallbackBus,
  CallbackManager,
  currentCallbacks,
  dispatchCustomEvent,
  runWithCallbacks,
  type CallbackHandlerLike,
  type CustomEventPayload,
} from "callbus";

type Seen = { name: string; data: unknown; runId: string; tags?: string[]; metadata?: Record<string, unknown> };

function recorder(extra: Partial<CallbackHandlerLike> = {}) {
  const seen: Seen[] = [];
  const handler: CallbackHandlerLike = {
    name: "recorder",
    handleCustomEvent(name, data, runId, tags, metadata) {
      seen.push({ name, data, runId, tags, metadata });
    },
    ...extra,
  };
  return { seen, handler };
}

function setup(handlers: CallbackHandlerLike[]) {
  const bus = new CallbackBus();
  const onBus: CustomEventPayload[] = [];
  bus.on("customEvent", (p) => onBus.push(p));
  const manager = new CallbackManager(undefined, { bus, handlers, inheritableHandlers: handlers, tags: ["t"], metadata: { m: 1 } });
  return { bus, onBus, manager };
}

describe("dispatchCustomEvent inside a run", () => {
  it("reaches handleCustomEvent(name, data, runId, tags, metadata) and the bus with the run of runWithCallbacks", () => {
    const { seen, handler } = recorder();
    const { onBus, manager } = setup([handler]);
    const run = manager.handleChainStart({ name: "outer" }, {});
    runWithCallbacks(run, () => dispatchCustomEvent("progress", { done: 1 }));
    expect(seen).toEqual([{ name: "progress", data: { done: 1 }, runId: run.runId, tags: ["t"], metadata: { m: 1 } }]);
    expect(onBus).toEqual([{ eventName: "progress", data: { done: 1 }, runId: run.runId, parentRunId: undefined, tags: ["t"], metadata: { m: 1 } }]);
  });

  it("keeps the run current across awaits in the body of runWithCallbacks", async () => {
    const { seen, handler } = recorder();
    const { manager } = setup([handler]);
    const run = manager.handleChainStart({ name: "outer" }, {});
    await runWithCallbacks(run, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      dispatchCustomEvent("later", { step: 2 });
    });
    expect(seen.map((s) => [s.name, s.runId])).toEqual([["later", run.runId]]);
  });

  it("takes the run from config.callbacks: a run manager's own run, a manager's parentRunId", () => {
    const { seen, handler } = recorder();
    const { onBus, manager } = setup([handler]);
    const parent = manager.handleChainStart({ name: "parent" }, {});
    const child = parent.getChild().handleToolStart({ name: "tool" }, "x");
    dispatchCustomEvent("from-run", { a: 1 }, { callbacks: child });
    dispatchCustomEvent("from-manager", { b: 2 }, { callbacks: child.getChild() });
    expect(seen.map((s) => [s.name, s.runId])).toEqual([
      ["from-run", child.runId],
      ["from-manager", child.runId],
    ]);
    // The event of a run carries that run's parent, whichever way the run was named.
    expect(onBus.map((p) => p.parentRunId)).toEqual([parent.runId, parent.runId]);
  });

  it("finds the enclosing run from inside a handler, for that event's run", () => {
    const bus = new CallbackBus();
    const seen: Seen[] = [];
    const reporter: CallbackHandlerLike = {
      name: "reporter",
      handleChainStart(_s, inputs, runId) {
        dispatchCustomEvent("started", { runId, inputs });
      },
      handleToolEnd(output) {
        dispatchCustomEvent("tool-done", { output });
      },
      handleCustomEvent(name, data, runId) {
        seen.push({ name, data, runId });
      },
    };
    const manager = CallbackManager.configure([reporter], undefined, { bus });
    const chain = manager.handleChainStart({ name: "chain" }, { q: 1 });
    const tool = chain.getChild().handleToolStart({ name: "tool" }, "in");
    tool.handleToolEnd("out");
    chain.handleChainEnd({});
    expect(seen).toEqual([
      { name: "started", data: { runId: chain.runId, inputs: { q: 1 } }, runId: chain.runId },
      { name: "tool-done", data: { output: "out" }, runId: tool.runId },
    ]);
    expect(currentCallbacks()).toBeUndefined();
  });

  it("finds the run from inside an async handler after it awaited", async () => {
    const bus = new CallbackBus();
    const seen: string[] = [];
    const manager = new AsyncCallbackManager(undefined, {
      bus,
      handlers: [
        {
          name: "dispatcher",
          async handleChainStart() {
            await new Promise((resolve) => setImmediate(resolve));
            await adispatchCustomEvent("after-await", {});
          },
        },
        { name: "receiver", handleCustomEvent: (_name, _data, runId) => void seen.push(runId) },
      ],
    });
    const run = await manager.handleChainStart({ name: "c" }, {});
    expect(seen).toEqual([run.runId]);
  });

  it("queues an event a handler dispatches to itself after its current call of the run", async () => {
    const bus = new CallbackBus();
    const log: string[] = [];
    const manager = new CallbackManager(undefined, {
      bus,
      handlers: [
        {
          async handleChainStart(_s, _inputs, runId) {
            await new Promise((resolve) => setImmediate(resolve));
            // Not awaited: this handler's calls of one trace run one after another.
            dispatchCustomEvent("self", { runId });
            log.push("start done");
          },
          handleCustomEvent: (name, _data, runId) => void log.push(`${name} ${runId}`),
        },
      ],
    });
    const run = manager.handleChainStart({ name: "c" }, {});
    await bus.flush();
    expect(log).toEqual(["start done", `self ${run.runId}`]);
  });

  it("adispatchCustomEvent settles after the handlers' promises", async () => {
    const bus = new CallbackBus();
    const log: string[] = [];
    const manager = new CallbackManager(undefined, {
      bus,
      handlers: [
        {
          async handleCustomEvent(name) {
            await new Promise((resolve) => setImmediate(resolve));
            log.push(name);
          },
        },
      ],
    });
    const run = manager.handleChainStart({}, {});
    await adispatchCustomEvent("slow", {}, { callbacks: run });
    expect(log).toEqual(["slow"]);
  });

  it("skips handlers with ignoreCustomEvent, and still reaches the others and the bus", () => {
    class Ignoring extends BaseCallbackHandler {
      name = "ignoring";
      calls = 0;
      override ignoreCustomEvent = true;
      handleCustomEvent() {
        this.calls++;
      }
    }
    const ignoring = new Ignoring();
    const plainIgnoring = recorder({ ignoreCustomEvent: true });
    const listening = recorder();
    const { onBus, manager } = setup([ignoring, plainIgnoring.handler, listening.handler]);
    const run = manager.handleChainStart({}, {});
    dispatchCustomEvent("e", { x: 1 }, { callbacks: run });
    expect(ignoring.calls).toBe(0);
    expect(plainIgnoring.seen).toEqual([]);
    expect(listening.seen).toHaveLength(1);
    expect(onBus).toHaveLength(1);
  });

  it("finds the enclosing run of ours from code running inside a LangChain.js runnable", async () => {
    const bus = new CallbackBus();
    const onBus: CustomEventPayload[] = [];
    bus.on("customEvent", (p) => onBus.push(p));
    // Our handler on a run of ours, dispatched from code running inside a LangChain.js lambda.
    const { seen, handler } = recorder();
    const run = new CallbackManager(undefined, { bus, handlers: [handler] }).handleChainStart({ name: "ours" }, {});
    const lambda = RunnableLambda.from(async (x: number) => {
      dispatchCustomEvent("inside-lambda", { x });
      return x + 1;
    });
    const out = await runWithCallbacks(run, () => lambda.invoke(1, { callbacks: [bus.asLangChainHandler()] }));
    expect(out).toBe(2);
    expect(seen.map((s) => [s.name, s.runId])).toEqual([["inside-lambda", run.runId]]);
    expect(onBus.map((p) => p.runId)).toEqual([run.runId]);
  });
});

describe("dispatchCustomEvent outside any run", () => {
  it("throws an error that says a parent run is needed and how to pass the config", () => {
    expect(() => dispatchCustomEvent("orphan", {})).toThrow(/without a parent run id/);
    expect(() => dispatchCustomEvent("orphan", {})).toThrow(/\{ callbacks: runManager \}/);
  });

  it("rejects the same way in adispatchCustomEvent", async () => {
    await expect(adispatchCustomEvent("orphan", {})).rejects.toThrow(/without a parent run id/);
  });

  it("throws for a top-level manager given as config.callbacks (it names no run)", () => {
    const { manager } = setup([]);
    expect(() => dispatchCustomEvent("e", {}, { callbacks: manager })).toThrow(/manager with no parentRunId/);
  });

  it("throws inside runWithCallbacks(topLevelManager), which names no run either", () => {
    const { manager } = setup([]);
    expect(() => runWithCallbacks(manager, () => dispatchCustomEvent("e", {}))).toThrow(/without a parent run id/);
  });

  it("is not current after the run's handlers returned", () => {
    const { seen, handler } = recorder();
    const { manager } = setup([handler]);
    manager.handleChainStart({}, {});
    expect(currentCallbacks()).toBeUndefined();
    expect(() => dispatchCustomEvent("e", {})).toThrow(/without a parent run id/);
    expect(seen).toEqual([]);
  });
});

describe("dispatchCustomEvent bad input", () => {
  const run = new CallbackManager(undefined, { bus: new CallbackBus() }).handleChainStart({}, {});

  it("names an empty or missing event name", () => {
    expect(() => dispatchCustomEvent("", {}, { callbacks: run })).toThrow(/non-empty string event name, got ""/);
    expect(() => dispatchCustomEvent(undefined as unknown as string, {}, { callbacks: run })).toThrow(/event name, got undefined/);
  });

  it("names data that is not an object", () => {
    expect(() => dispatchCustomEvent("e", 42 as unknown as object, { callbacks: run })).toThrow(/needs an object as the data of "e", got number/);
    expect(() => dispatchCustomEvent("e", null as unknown as object, { callbacks: run })).toThrow(/got null/);
    expect(() => dispatchCustomEvent("e", [1, 2], { callbacks: run })).not.toThrow();
  });

  it("names config.callbacks that is not a manager", () => {
    expect(() => dispatchCustomEvent("e", {}, { callbacks: [] as unknown as typeof run })).toThrow(/config.callbacks as a callback manager or a run manager/);
  });

  it("names runWithCallbacks arguments that are wrong", () => {
    expect(() => runWithCallbacks(undefined as unknown as typeof run, () => 1)).toThrow(/needs a callback manager or a run manager, got undefined/);
    expect(() => runWithCallbacks(run, 5 as unknown as () => number)).toThrow(/needs a function to run, got number/);
  });
});
