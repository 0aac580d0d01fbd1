import {
  AsyncCallbackManager,
  AsyncCallbackManagerForChainRun,
  AsyncParentRunManager,
  AsyncRunManager,
  BaseCallbackHandler,
  CallbackBus,
  CallbackManager,
  CallbackManagerForChainRun,
  CallbackManagerForLLMRun,
  ParentRunManager,
  RunManager,
  getNoopManager,
  type CallbackHandlerInput,
  type CallbackHandlerMethods,
  type ChainValues,
  type Serialized,
} from "callbus";

/** A handler that records `method:runId` for every call it gets. */
class Recorder extends BaseCallbackHandler {
  name: string;
  calls: string[] = [];
  constructor(name = "recorder", input?: CallbackHandlerInput) {
    super(input);
    this.name = name;
  }
  handleChainStart(_s: Serialized, _i: ChainValues, runId: string) {
    this.calls.push(`chainStart:${runId}`);
  }
  handleChainEnd(_o: ChainValues, runId: string) {
    this.calls.push(`chainEnd:${runId}`);
  }
  handleLLMStart(_s: Serialized, prompts: string[], runId: string) {
    this.calls.push(`llmStart:${runId}:${prompts.join("|")}`);
  }
  handleLLMEnd(_o: unknown, runId: string) {
    this.calls.push(`llmEnd:${runId}`);
  }
  handleToolStart(_s: Serialized, input: unknown, runId: string) {
    this.calls.push(`toolStart:${runId}`);
  }
  handleRetry(_r: unknown, runId: string) {
    this.calls.push(`retry:${runId}`);
  }
  handleCustomEvent(name: string, _d: unknown, runId: string) {
    this.calls.push(`customEvent:${name}:${runId}`);
  }
  handleAgentAction(_a: unknown, runId: string) {
    this.calls.push(`agentAction:${runId}`);
  }
  handleRetrieverStart(_s: Serialized, _q: string, runId: string) {
    this.calls.push(`retrieverStart:${runId}`);
  }
}

const newBus = () => new CallbackBus();

describe("configure and inheritance", () => {
  test("inheritable handlers reach the run and every child run; local handlers only the run (behaviours.md 1)", () => {
    const bus = newBus();
    const inherited = new Recorder("inherited");
    const local = new Recorder("local");
    const manager = CallbackManager.configure([inherited], [local], { bus });
    const root = manager.handleChainStart({ name: "root" }, {}, "root");
    const child = root.getChild().handleChainStart({ name: "child" }, {}, "child");
    child.handleChainEnd({});
    root.handleChainEnd({});
    expect(inherited.calls).toEqual(["chainStart:root", "chainStart:child", "chainEnd:child", "chainEnd:root"]);
    expect(local.calls).toEqual(["chainStart:root", "chainEnd:root"]);
  });

  test("configure starts from a manager, keeping its parent run and lists, and adding local handlers", () => {
    const bus = newBus();
    const a = new Recorder("a");
    const b = new Recorder("b");
    const parent = new CallbackManager("p-1", { bus, handlers: [a], inheritableHandlers: [a], tags: ["x"], inheritableTags: ["x"] });
    const configured = CallbackManager.configure(parent, [b, a]);
    expect(configured.parentRunId).toBe("p-1");
    expect(configured.bus).toBe(bus);
    expect(configured.handlers).toEqual([a, b]);
    expect(configured.inheritableHandlers).toEqual([a]);
    expect(configured.tags).toEqual(["x"]);
    configured.handlers.push(new Recorder("c"));
    expect(parent.handlers).toHaveLength(1);
  });

  test("configure always returns a manager, sync or async", () => {
    expect(CallbackManager.configure()).toBeInstanceOf(CallbackManager);
    expect(AsyncCallbackManager.configure()).toBeInstanceOf(AsyncCallbackManager);
  });

  test("inheritable tags and metadata reach children, local ones only the run; tags are de-duplicated in order (behaviours.md 3)", () => {
    const bus = newBus();
    const starts: { runId: string; tags: string[]; metadata: Record<string, unknown> }[] = [];
    bus.on("chainStart", ({ runId, tags, metadata }) => {
      starts.push({ runId, tags, metadata });
    });
    const manager = CallbackManager.configure([], [], {
      bus,
      inheritableTags: ["a", "b", "a"],
      localTags: ["b", "local"],
      inheritableMetadata: { team: "search" },
      localMetadata: { only: "root" },
    });
    const root = manager.handleChainStart({}, {}, "root");
    root.getChild("child-tag").handleChainStart({}, {}, "child");
    expect(starts[0]).toEqual({ runId: "root", tags: ["a", "b", "local"], metadata: { team: "search", only: "root" } });
    expect(starts[1]).toEqual({ runId: "child", tags: ["a", "b", "child-tag"], metadata: { team: "search" } });
  });
});

describe("handler lists (behaviours.md 4)", () => {
  test("addHandler never adds twice; removeHandler removes from both lists; setHandlers replaces both", () => {
    const manager = new CallbackManager(undefined, { bus: newBus() });
    const h = new Recorder("h");
    const local = new Recorder("local");
    manager.addHandler(h);
    manager.addHandler(h);
    manager.addHandler(local, false);
    expect(manager.handlers).toEqual([h, local]);
    expect(manager.inheritableHandlers).toEqual([h]);
    manager.removeHandler(h);
    expect(manager.handlers).toEqual([local]);
    expect(manager.inheritableHandlers).toEqual([]);
    manager.setHandlers([h]);
    expect(manager.handlers).toEqual([h]);
    expect(manager.inheritableHandlers).toEqual([h]);
    manager.setHandlers([local], false);
    expect(manager.handlers).toEqual([local]);
    expect(manager.inheritableHandlers).toEqual([]);
  });

  test("a child manager's methods never change its run's lists, its siblings' or runs already started", () => {
    const h = new Recorder("h");
    const manager = new CallbackManager(undefined, { bus: newBus(), handlers: [h], inheritableHandlers: [h], tags: ["t"], metadata: { k: 1 } });
    manager.addTags(["i"], true);
    manager.addMetadata({ m: 1 }, true);
    const run = manager.handleChainStart({ name: "run" }, {});
    const child = run.getChild();
    const added = new Recorder("added");
    child.addHandler(added);
    child.addTags(["c"]);
    child.addMetadata({ c: 1 });
    child.removeTags(["i"]);
    child.removeMetadata(["m"]);
    expect(run.inheritableHandlers).toEqual([h]);
    expect(run.inheritableTags).toEqual(["i"]);
    expect(run.inheritableMetadata).toEqual({ m: 1 });
    const sibling = run.getChild();
    expect(sibling.handlers).toEqual([h]);
    expect(sibling.tags).toEqual(["i"]);
    expect(sibling.metadata).toEqual({ m: 1 });
    // A handler added to a manager reaches the runs it starts next, not the ones it started.
    manager.addHandler(added);
    expect(run.handlers).toEqual([h]);
    expect(manager.handleChainStart({ name: "next" }, {}).handlers).toEqual([h, added]);
  });

  test("copy() shares no mutable list with the original", () => {
    const manager = new CallbackManager("p", { bus: newBus(), tags: ["t"], metadata: { k: 1 } });
    manager.addHandler(new Recorder());
    const copy = manager.copy();
    copy.addHandler(new Recorder("other"));
    copy.addTags(["u"]);
    copy.addMetadata({ j: 2 });
    copy.metadata.k = 99;
    expect(manager.handlers).toHaveLength(1);
    expect(manager.tags).toEqual(["t"]);
    expect(manager.metadata).toEqual({ k: 1 });
    expect(copy.parentRunId).toBe("p");
    expect(copy).toBeInstanceOf(CallbackManager);
  });

  test("merge() unions handlers, tags and metadata and keeps this.parentRunId", () => {
    const h1 = new Recorder("1");
    const h2 = new Recorder("2");
    const a = new CallbackManager("a-parent", { bus: newBus(), handlers: [h1], inheritableHandlers: [h1], tags: ["x", "y"], metadata: { a: 1 } });
    const b = new CallbackManager("b-parent", { handlers: [h1, h2], inheritableHandlers: [h2], tags: ["y", "z"], metadata: { b: 2 } });
    const merged = a.merge(b);
    expect(merged.parentRunId).toBe("a-parent");
    expect(merged.handlers).toEqual([h1, h2]);
    expect(merged.inheritableHandlers).toEqual([h1, h2]);
    expect(merged.tags).toEqual(["x", "y", "z"]);
    expect(merged.metadata).toEqual({ a: 1, b: 2 });
    expect(a.handlers).toEqual([h1]);
  });

  test("merge(): on a metadata key both managers have, the other manager wins; a missing parent is taken from it", () => {
    const a = new CallbackManager(undefined, { bus: newBus(), metadata: { shared: "a", onlyA: 1 }, inheritableMetadata: { shared: "a" } });
    const b = new CallbackManager("b-parent", { metadata: { shared: "b", onlyB: 2 }, inheritableMetadata: { shared: "b" } });
    const merged = a.merge(b);
    expect(merged.metadata).toEqual({ shared: "b", onlyA: 1, onlyB: 2 });
    expect(merged.inheritableMetadata).toEqual({ shared: "b" });
    expect(merged.parentRunId).toBe("b-parent");
    expect(a.metadata).toEqual({ shared: "a", onlyA: 1 });
  });

  test("a parentRunId passed to a start method is used when the manager has none, and ignored when it has one", () => {
    const bus = newBus();
    const parents: [string, string | undefined][] = [];
    bus.onAny((_event, payload) => void parents.push([payload.runId, payload.parentRunId]));
    const orphan = new CallbackManager(undefined, { bus });
    orphan.handleChainStart({}, {}, "chain", undefined, undefined, undefined, undefined, "given-parent");
    orphan.handleToolStart({}, "in", "tool", "given-parent");
    orphan.handleRetrieverStart({}, "q", "retriever", "given-parent");
    orphan.handleLLMStart({}, ["p"], "llm", "given-parent");
    orphan.handleChatModelStart({}, [[]], "chat", "given-parent");
    const adopted = new CallbackManager("own-parent", { bus });
    adopted.handleChainStart({}, {}, "adopted", undefined, undefined, undefined, undefined, "given-parent");
    expect(parents).toEqual([
      ["chain", "given-parent"],
      ["tool", "given-parent"],
      ["retriever", "given-parent"],
      ["llm", "given-parent"],
      ["chat", "given-parent"],
      ["adopted", "own-parent"],
    ]);
  });

  test("tags and metadata can be added and removed", () => {
    const manager = new CallbackManager(undefined, { bus: newBus() });
    manager.addTags(["a", "b"]);
    manager.addTags(["c"], false);
    manager.removeTags(["a"]);
    expect(manager.tags).toEqual(["b", "c"]);
    expect(manager.inheritableTags).toEqual(["b"]);
    manager.addMetadata({ x: 1, y: 2 });
    manager.addMetadata({ z: 3 }, false);
    manager.removeMetadata(["x"]);
    expect(manager.metadata).toEqual({ y: 2, z: 3 });
    expect(manager.inheritableMetadata).toEqual({ y: 2 });
  });

  test("a handler that is not an object is refused with an error that says so", () => {
    const manager = new CallbackManager(undefined, { bus: newBus() });
    expect(() => manager.addHandler(null as unknown as Recorder)).toThrow(/addHandler\(\) needs a handler object with handleX methods, got null/);
    expect(() => manager.addHandler("h" as unknown as Recorder)).toThrow(/got string/);
    expect(() => CallbackManager.configure([42 as unknown as Recorder])).toThrow(/got number/);
    expect(() => newBus().attach(undefined as unknown as Recorder)).toThrow(/bus.attach\(\) needs a handler object/);
    expect(() => newBus().attach({ name: "empty" })).toThrow(/bus.attach\(\) got empty, which has no handleX method/);
  });
});

describe("start methods and run ids", () => {
  test("handleLLMStart returns one run manager per prompt, a given runId for the first (behaviours.md 5, 6)", () => {
    const h = new Recorder();
    const manager = new CallbackManager("chain", { bus: newBus(), handlers: [h] });
    const runs = manager.handleLLMStart({ name: "llm" }, ["p1", "p2", "p3"], "given");
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r instanceof CallbackManagerForLLMRun)).toBe(true);
    expect(runs[0].runId).toBe("given");
    expect(new Set(runs.map((r) => r.runId)).size).toBe(3);
    expect(runs.every((r) => r.parentRunId === "chain")).toBe(true);
    expect(h.calls).toEqual([`llmStart:given:p1`, `llmStart:${runs[1].runId}:p2`, `llmStart:${runs[2].runId}:p3`]);
  });

  test("handleChatModelStart returns one run manager per message list", () => {
    const bus = newBus();
    const starts: unknown[][][] = [];
    bus.on("chatModelStart", ({ messages }) => {
      starts.push(messages);
    });
    const runs = new CallbackManager(undefined, { bus }).handleChatModelStart({ name: "chat" }, [
      [{ role: "user", content: "a" }],
      [{ role: "user", content: "b" }],
    ]);
    expect(runs).toHaveLength(2);
    expect(starts).toEqual([[[{ role: "user", content: "a" }]], [[{ role: "user", content: "b" }]]]);
  });

  test("without a runId, each start makes a new nanoid; any string is accepted as a run id", () => {
    const manager = new CallbackManager(undefined, { bus: newBus() });
    const a = manager.handleChainStart({}, {});
    const b = manager.handleToolStart({}, "x");
    expect(a.runId).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(b.runId).not.toBe(a.runId);
    const uuid = "0195a2f4-7c3e-7b0a-9d1e-2f3a4b5c6d7e";
    expect(manager.handleRetrieverStart({}, "q", uuid).runId).toBe(uuid);
  });

  test("getChild(tag) gives a manager with the run as parent, the inheritable handlers, tags, metadata and the tag as a local tag (behaviours.md 7)", () => {
    const bus = newBus();
    const inherited = new Recorder("inh");
    const local = new Recorder("loc");
    const manager = new CallbackManager(undefined, { bus, handlers: [inherited, local], inheritableHandlers: [inherited], tags: ["t", "l"], inheritableTags: ["t"], metadata: { a: 1, b: 2 }, inheritableMetadata: { a: 1 } });
    const run = manager.handleChainStart({}, {});
    const child = run.getChild("sub");
    expect(child).toBeInstanceOf(CallbackManager);
    expect(child.parentRunId).toBe(run.runId);
    expect(child.handlers).toEqual([inherited]);
    expect(child.inheritableHandlers).toEqual([inherited]);
    expect(child.tags).toEqual(["t", "sub"]);
    expect(child.inheritableTags).toEqual(["t"]);
    expect(child.metadata).toEqual({ a: 1 });
    expect(child.bus).toBe(bus);
  });

  test("every event carries runId, parentRunId and tags; start events also metadata and the run name (behaviours.md 8)", () => {
    const bus = newBus();
    const payloads: Record<string, { runId: string; parentRunId?: string; tags: string[]; metadata: object; name?: string }> = {};
    bus.onAny((event, payload) => {
      payloads[event] = payload;
    });
    const manager = new CallbackManager("outer", { bus, tags: ["x"], metadata: { m: true } });
    const chain = manager.handleChainStart({ id: ["langchain", "chains", "LLMChain"] }, {}, "c");
    chain.handleText("t");
    const tool = chain.getChild().handleToolStart({ name: "calculator" }, "1+1", "tool");
    tool.handleToolEnd("2");
    const named = manager.handleRetrieverStart({ name: "ignored" }, "q", "ret", undefined, undefined, undefined, "MyRetriever");
    named.handleRetrieverEnd([]);
    chain.handleChainEnd({});
    expect(payloads.chainStart).toMatchObject({ runId: "c", parentRunId: "outer", tags: ["x"], metadata: { m: true }, name: "LLMChain" });
    expect(payloads.text).toMatchObject({ runId: "c", parentRunId: "outer", tags: ["x"] });
    expect(payloads.toolStart).toMatchObject({ runId: "tool", parentRunId: "c", tags: [], metadata: {}, name: "calculator" });
    expect(payloads.toolEnd).toMatchObject({ runId: "tool", parentRunId: "c", tags: [] });
    expect(payloads.retrieverStart).toMatchObject({ name: "MyRetriever" });
    expect(payloads.chainEnd).toMatchObject({ runId: "c", parentRunId: "outer", tags: ["x"] });
  });

  test("getNoopManager() returns a run manager with no handlers (behaviours.md 9)", () => {
    const noop = getNoopManager();
    expect(noop).toBeInstanceOf(CallbackManagerForChainRun);
    expect(noop.handlers).toEqual([]);
    expect(noop.inheritableHandlers).toEqual([]);
    expect(() => {
      noop.handleText("nothing hears this");
      noop.getChild().handleChainStart({}, {}).handleChainEnd({});
      noop.handleChainEnd({});
    }).not.toThrow();
  });

  test("CallbackManager.fromHandlers makes a manager from methods (behaviours.md 10)", () => {
    const tokens: string[] = [];
    const manager = CallbackManager.fromHandlers(
      {
        handleLLMNewToken(token) {
          tokens.push(token);
        },
      },
      { bus: newBus() },
    );
    const [llm] = manager.handleLLMStart({}, ["p"]);
    llm.handleLLMNewToken("he");
    llm.handleLLMNewToken("llo");
    expect(tokens).toEqual(["he", "llo"]);
    expect(BaseCallbackHandler.fromMethods({ handleText() {} }).name).toMatch(/^handler-/);
  });

  test("instanceof agrees with the prototype chain, and isAsync tells the families apart", async () => {
    const bus = newBus();
    const sync = new CallbackManager(undefined, { bus }).handleChainStart({}, {});
    const asyncRun = await new AsyncCallbackManager(undefined, { bus }).handleChainStart({}, {});
    for (const run of [sync, asyncRun]) {
      for (const cls of [RunManager, ParentRunManager, AsyncRunManager, AsyncParentRunManager, AsyncCallbackManagerForChainRun]) {
        expect(run instanceof cls).toBe(cls.prototype.isPrototypeOf(run));
      }
    }
    expect(sync).toBeInstanceOf(ParentRunManager);
    expect(sync.isAsync).toBe(false);
    expect(asyncRun).toBeInstanceOf(AsyncCallbackManagerForChainRun);
    expect(asyncRun).toBeInstanceOf(ParentRunManager);
    expect(asyncRun.isAsync).toBe(true);
    expect(asyncRun.getChild()).toBeInstanceOf(AsyncCallbackManager);
    expect(await asyncRun.getChild().handleLLMStart({}, ["a", "b"])).toHaveLength(2);
  });
});

describe("handler semantics", () => {
  test("ignore flags skip their family, tool events with ignoreAgent; text events are never ignored (behaviours.md 11)", () => {
    const bus = newBus();
    const all = { ignoreLLM: true, ignoreChain: true, ignoreAgent: true, ignoreRetriever: true, ignoreRetry: true, ignoreCustomEvent: true };
    const ignoring = new Recorder("ignoring", all);
    const seen: string[] = [];
    const plain: CallbackHandlerMethods & typeof all = {
      ...all,
      handleToolStart: (_s, _i, runId) => {
        seen.push(`toolStart:${runId}`);
      },
      handleText: (text) => {
        seen.push(`text:${text}`);
      },
      handleChainStart: () => {
        seen.push("chainStart");
      },
    };
    const manager = CallbackManager.configure([ignoring, plain], [], { bus });
    const chain = manager.handleChainStart({}, {}, "c");
    chain.handleAgentAction({ tool: "t", toolInput: "", log: "" });
    chain.handleRetry({ attemptNumber: 2 });
    chain.handleCustomEvent("e", {});
    chain.handleText("hello");
    const [llm] = chain.getChild().handleLLMStart({}, ["p"], "l");
    llm.handleLLMEnd({ generations: [] });
    chain.getChild().handleRetrieverStart({}, "q", "r");
    chain.getChild().handleToolStart({}, "x", "t");
    chain.handleChainEnd({});
    expect(ignoring.calls).toEqual([]);
    expect(seen).toEqual(["text:hello"]);
  });

  test("a handler that throws is reported with its name and the callback's name; the run and the other handlers go on (behaviours.md 13)", () => {
    const bus = newBus();
    const reports: string[] = [];
    bus.on("listenerError", ({ handler, event, runId, error }) => {
      reports.push(`${handler}/${event}/${runId}/${(error as Error).message}`);
    });
    class Broken extends BaseCallbackHandler {
      name = "broken_handler";
      handleChainStart() {
        throw new Error("cannot start");
      }
    }
    const after = new Recorder("after");
    const manager = new CallbackManager(undefined, { bus, handlers: [new Broken(), after] });
    const run = manager.handleChainStart({}, {}, "r1");
    run.handleChainEnd({});
    expect(after.calls).toEqual(["chainStart:r1", "chainEnd:r1"]);
    expect(reports).toEqual(["broken_handler/chainStart/r1/cannot start"]);
  });

  test("the failure message names the handler and the callback when nobody listens to listenerError", () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const manager = new CallbackManager(undefined, { bus: newBus(), handlers: [{ name: "tracer", handleText: () => { throw new Error("bad text"); } }] });
      manager.handleChainStart({}, {}).handleText("x");
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/error in handler tracer, handleText: Error: bad text/);
    } finally {
      warn.mockRestore();
    }
  });

  test("with raiseError the error reaches the caller, and a refused start leaves no run behind", () => {
    const bus = newBus();
    const strict = BaseCallbackHandler.fromMethods({
      raiseError: true,
      handleChainStart() {
        throw new Error("strict start");
      },
    });
    const reported: unknown[] = [];
    bus.on("listenerError", ({ error }) => {
      reported.push(error);
    });
    const manager = new CallbackManager(undefined, { bus, handlers: [strict] });
    expect(() => manager.handleChainStart({}, {})).toThrow("strict start");
    expect(reported).toHaveLength(1);
    expect(bus.activeRuns).toBe(0);
  });

  test("an async handler that rejects is reported like a throw, with no unhandled rejection (behaviours.md 14)", async () => {
    const bus = newBus();
    const reports: string[] = [];
    bus.on("listenerError", ({ handler, error }) => {
      reports.push(`${handler}:${(error as Error).message}`);
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const rejecting = { name: "rejecting", handleChainEnd: async () => Promise.reject(new Error("async boom")) };
      const other = new Recorder("other");
      const manager = new CallbackManager(undefined, { bus, handlers: [rejecting, other] });
      manager.handleChainStart({}, {}, "r").handleChainEnd({});
      await bus.flush();
      await new Promise((resolve) => setImmediate(resolve));
      expect(other.calls).toEqual(["chainStart:r", "chainEnd:r"]);
      expect(reports).toEqual(["rejecting:async boom"]);
      const asyncManager = new AsyncCallbackManager(undefined, { bus, handlers: [rejecting] });
      await expect((await asyncManager.handleChainStart({}, {})).handleChainEnd({})).resolves.toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  test("an async raiseError handler rejects the async manager's call, and flush() for the sync manager", async () => {
    const bus = newBus();
    bus.on("listenerError", () => undefined);
    const strict = { name: "strict", raiseError: true, handleText: async () => Promise.reject(new Error("strict async")) };
    const asyncRun = await new AsyncCallbackManager(undefined, { bus, handlers: [strict] }).handleChainStart({}, {});
    await expect(asyncRun.handleText("x")).rejects.toThrow("strict async");
    await bus.flush();
    const syncRun = new CallbackManager(undefined, { bus, handlers: [strict] }).handleChainStart({}, {});
    syncRun.handleText("y");
    await expect(bus.flush()).rejects.toThrow("strict async");
    await expect(bus.flush()).resolves.toEqual({ settled: true, pending: 0 });
  });

  test("the async manager settles after its handlers' promises; the sync one returns at once and flush() waits (behaviours.md 15)", async () => {
    const bus = newBus();
    const log: string[] = [];
    const slow = {
      name: "slow",
      awaitHandlers: true,
      handleChainStart: async () => {
        await new Promise((resolve) => setTimeout(resolve, 15));
        log.push("handler done");
      },
    };
    const asyncRun = await new AsyncCallbackManager(undefined, { bus, handlers: [slow] }).handleChainStart({}, {});
    log.push("async start settled");
    expect(log).toEqual(["handler done", "async start settled"]);
    await asyncRun.handleChainEnd({});

    log.length = 0;
    const syncRun = new CallbackManager(undefined, { bus, handlers: [slow] }).handleChainStart({}, {});
    log.push("sync start returned");
    await bus.flush();
    expect(log).toEqual(["sync start returned", "handler done"]);
    syncRun.handleChainEnd({});
  });
});

describe("order of async handler calls (behaviours.md 17)", () => {
  const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test("one handler's calls of one trace run one after another in emission order, even when early calls are slow", async () => {
    const bus = newBus();
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const tracer = {
      name: "tracer",
      async handleChainStart(_s: Serialized, _i: ChainValues, runId: string) {
        active++;
        maxActive = Math.max(maxActive, active);
        await delay(runId === "root" ? 20 : 1);
        log.push(`start ${runId}`);
        active--;
      },
      async handleChainEnd(_o: ChainValues, runId: string) {
        active++;
        maxActive = Math.max(maxActive, active);
        await delay(1);
        log.push(`end ${runId}`);
        active--;
      },
    };
    const manager = new CallbackManager(undefined, { bus, handlers: [tracer], inheritableHandlers: [tracer] });
    const root = manager.handleChainStart({}, {}, "root");
    const child = root.getChild().handleChainStart({}, {}, "child");
    child.handleChainEnd({});
    root.handleChainEnd({});
    expect(log).toEqual([]);
    await bus.flush();
    expect(log).toEqual(["start root", "start child", "end child", "end root"]);
    expect(maxActive).toBe(1);
  });

  test("different traces proceed concurrently and one slow handler never delays the others", async () => {
    const bus = newBus();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = {
      name: "slow",
      async handleChainStart(_s: Serialized, _i: ChainValues, runId: string) {
        if (runId === "trace-a") await gate;
        log.push(`slow ${runId}`);
      },
    };
    const fast = {
      name: "fast",
      async handleChainStart(_s: Serialized, _i: ChainValues, runId: string) {
        log.push(`fast ${runId}`);
      },
    };
    const manager = new CallbackManager(undefined, { bus, handlers: [slow, fast] });
    manager.handleChainStart({}, {}, "trace-a");
    manager.handleChainStart({}, {}, "trace-b");
    await delay(5);
    expect(log).toEqual(["fast trace-a", "slow trace-b", "fast trace-b"]);
    release();
    await bus.flush();
    expect(log).toEqual(["fast trace-a", "slow trace-b", "fast trace-b", "slow trace-a"]);
  });

  test("bus listeners get events in emission order and emitting never waits for them", async () => {
    const bus = newBus();
    const received: string[] = [];
    let settled = 0;
    bus.onAny(async (event) => {
      received.push(event);
      await delay(5);
      settled++;
    });
    const run = new CallbackManager(undefined, { bus }).handleChainStart({}, {});
    run.handleText("a");
    run.handleChainEnd({});
    expect(received).toEqual(["chainStart", "text", "chainEnd"]);
    expect(settled).toBe(0);
    await bus.flush();
    expect(settled).toBe(3);
  });

  test("a handler attached to the bus is called with LangChain.js arguments, ordered per trace, and can be detached", async () => {
    const bus = newBus();
    const log: string[] = [];
    const handler = {
      name: "attached",
      ignoreLLM: true,
      async handleChainStart(_s: Serialized, inputs: ChainValues, runId: string, parentRunId?: string) {
        await delay(runId === "root" ? 10 : 0);
        log.push(`start ${runId} parent=${parentRunId} q=${String(inputs.q)}`);
      },
      handleChainEnd(_o: ChainValues, runId: string) {
        log.push(`end ${runId}`);
      },
      handleLLMStart() {
        log.push("llm (ignored)");
      },
    };
    const detach = bus.attach(handler);
    expect(bus.listenerCount("chainStart")).toBe(1);
    expect(bus.listenerCount("llmStart")).toBe(0);
    const manager = new CallbackManager(undefined, { bus });
    const root = manager.handleChainStart({}, { q: 1 }, "root");
    root.getChild().handleLLMStart({}, ["p"])[0].handleLLMEnd({ generations: [] });
    root.getChild().handleChainStart({}, { q: 2 }, "child").handleChainEnd({});
    root.handleChainEnd({});
    await bus.flush();
    expect(log).toEqual(["start root parent=undefined q=1", "start child parent=root q=2", "end child", "end root"]);
    detach();
    expect(bus.listenerCount()).toBe(0);
  });
});
