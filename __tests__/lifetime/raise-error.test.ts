/**
 * A `raiseError` handler that throws never keeps an event from the other listeners, `onAny`,
 * run scopes and iterators; its error still reaches the caller, and a run whose start it threw
 * on is not forgotten.
 */
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { RunnableLambda } from "@langchain/core/runnables";
import { CallbackBus, CallbackManager, handleEvent, type BusEventItem, type CallbackHandlerLike } from "callbus";

const base = (runId: string, parentRunId?: string) => ({ runId, parentRunId, tags: [] as string[], metadata: {} });

const strict = (fail: (runId: string) => boolean): CallbackHandlerLike => ({
  name: "strict",
  raiseError: true,
  handleChainStart(_s: unknown, _i: unknown, runId: string) {
    if (fail(runId)) throw new Error(`strict start ${runId}`);
  },
  handleText(_text: string, runId: string) {
    if (fail(runId)) throw new Error(`strict text ${runId}`);
  },
});

/** Records what every kind of listener after the strict handler hears. */
function everyone(bus: CallbackBus, runId: string) {
  const heard: string[] = [];
  bus.on("chainStart", (p) => void heard.push(`on chainStart:${p.runId}`));
  bus.on("text", (p) => void heard.push(`on text:${p.runId}`));
  bus.onAny((event, p) => void heard.push(`any ${event}:${p.runId}`));
  bus.run(runId).onAny((event) => void heard.push(`scope ${event}`));
  bus.run(runId, { descendants: true }).onAny((event, p) => void heard.push(`tree ${event}:${p.runId}`));
  const items: string[] = [];
  const stream = bus.events({ runId, descendants: true });
  const drained = (async () => {
    for await (const item of stream as AsyncIterable<BusEventItem>) items.push(`${item.event}:${item.payload.runId}`);
  })();
  return { heard, items, drained };
}

describe("a throwing raiseError handler added with bus.attach()", () => {
  test("everyone after it still gets the event, the run is kept, and the emitter gets the error", async () => {
    const bus = new CallbackBus();
    bus.on("listenerError", () => undefined);
    bus.attach(strict((runId) => runId === "r"));
    const { heard, items, drained } = everyone(bus, "r");
    expect(() => bus.emit("chainStart", { ...base("r"), serialized: { id: ["c"] }, inputs: {} })).toThrow("strict start r");
    expect(bus.activeRuns).toBe(1);
    expect(() => bus.emit("text", { ...base("r"), text: "t" })).toThrow("strict text r");
    bus.emit("chainEnd", { ...base("r"), outputs: {} });
    await drained;
    expect(heard).toEqual([
      "on chainStart:r",
      "any chainStart:r",
      "scope chainStart",
      "tree chainStart:r",
      "on text:r",
      "any text:r",
      "scope text",
      "tree text:r",
      "any chainEnd:r",
      "scope chainEnd",
      "tree chainEnd:r",
    ]);
    expect(items).toEqual(["chainStart:r", "text:r", "chainEnd:r"]);
    expect([bus.activeRuns, bus.activeScopes]).toEqual([0, 0]);
  });

  test("an event a listener emits while another is being delivered keeps its own error apart", () => {
    const bus = new CallbackBus();
    bus.on("listenerError", () => undefined);
    bus.attach(strict((runId) => runId === "inner"));
    const heard: string[] = [];
    bus.on("text", (p) => {
      heard.push(p.runId);
      if (p.runId === "outer") expect(() => bus.emit("text", { ...base("inner"), text: "i" })).toThrow("strict text inner");
    });
    expect(() => bus.emit("text", { ...base("outer"), text: "o" })).not.toThrow();
    expect(heard).toEqual(["outer", "inner"]);
  });

  test("through a manager, the other handlers and the bus hear a non-start event, and the caller gets the error", () => {
    const bus = new CallbackBus();
    bus.on("listenerError", () => undefined);
    const heard: string[] = [];
    const after: CallbackHandlerLike = { name: "after", handleText: (text: string) => void heard.push(`handler ${text}`) };
    bus.on("text", (p) => void heard.push(`bus ${p.text}`));
    const strictText: CallbackHandlerLike = {
      raiseError: true,
      handleText() {
        throw new Error("strict text");
      },
    };
    const run = new CallbackManager(undefined, { bus, handlers: [strictText, after] }).handleChainStart({}, {}, "m");
    expect(() => run.handleText("hello")).toThrow("strict text");
    expect(heard).toEqual(["handler hello", "bus hello"]);
    heard.length = 0;
    expect(() => handleEvent([strict(() => true), after], "text", { ...base("r"), text: "direct" }, { bus })).toThrow("strict text r");
    expect(heard).toEqual(["handler direct"]);
  });

  test("a LangChain.js-sourced run is not forgotten: its tree scope and iterator hear it to the end", async () => {
    const bus = new CallbackBus();
    bus.on("listenerError", () => undefined);
    const rootId = "0f0f0f0f-0000-4000-8000-0000000000bb";
    bus.attach(strict((runId) => runId === rootId));
    const child = RunnableLambda.from((x: number) => x * 2).withConfig({ runName: "child" });
    const root = RunnableLambda.from(async (x: number, config) => child.invoke(x, config)).withConfig({ runName: "root" });
    const { items, drained } = everyone(bus, rootId);
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const error = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await root.invoke(2, { runId: rootId, callbacks: [bus.asLangChainHandler()] })).toBe(4);
      await awaitAllCallbacks();
      await drained;
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
    expect(items.map((i) => i.split(":")[0])).toEqual(["chainStart", "chainStart", "chainEnd", "chainEnd"]);
    expect(items[3]).toBe(`chainEnd:${rootId}`);
    expect([bus.activeRuns, bus.activeScopes]).toEqual([0, 0]);
  });
});
