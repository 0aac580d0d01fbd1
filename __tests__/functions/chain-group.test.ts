import {
  atraceAsChainGroup,
  AsyncCallbackManager,
  AsyncCallbackManagerForChainGroup,
  CallbackBus,
  CallbackManager,
  CallbackManagerForChainGroup,
  currentCallbacks,
  dispatchCustomEvent,
  runWithCallbacks,
  traceAsChainGroup,
  type CallbackHandlerLike,
} from "callbus";

type Call = { method: string; runId: string; parentRunId?: string; detail?: unknown };

/** A handler that records chain, tool and custom events in order. */
function tracer(extra: Partial<CallbackHandlerLike> = {}) {
  const calls: Call[] = [];
  const handler: CallbackHandlerLike = {
    name: "tracer",
    handleChainStart(serialized, inputs, runId, parentRunId, tags, metadata, _runType, runName) {
      calls.push({ method: "chainStart", runId, parentRunId, detail: { name: runName, serialized: serialized.name, inputs, tags, metadata } });
    },
    handleChainEnd(outputs, runId, parentRunId) {
      calls.push({ method: "chainEnd", runId, parentRunId, detail: outputs });
    },
    handleChainError(error, runId, parentRunId) {
      calls.push({ method: "chainError", runId, parentRunId, detail: error.message });
    },
    handleToolStart(_s, input, runId, parentRunId) {
      calls.push({ method: "toolStart", runId, parentRunId, detail: input });
    },
    handleCustomEvent(name, _data, runId) {
      calls.push({ method: "customEvent", runId, detail: name });
    },
    ...extra,
  };
  return { calls, handler };
}

function managerWith(handler: CallbackHandlerLike) {
  const bus = new CallbackBus();
  return { bus, manager: CallbackManager.configure([handler], undefined, { bus }) };
}

describe("traceAsChainGroup", () => {
  it("wraps fn in a chain run named after the group, parent of the runs started inside, ended with {}", () => {
    const { calls, handler } = tracer();
    const { manager } = managerWith(handler);
    let groupRunId = "";
    const result = traceAsChainGroup(
      "my_group",
      (group) => {
        expect(group).toBeInstanceOf(CallbackManagerForChainGroup);
        groupRunId = group.parentRunManager.runId;
        expect(group.parentRunId).toBe(groupRunId);
        const tool = group.handleToolStart({ name: "search" }, "q");
        tool.handleToolEnd("found");
        return 42;
      },
      { callbackManager: manager, inputs: { question: "q" }, tags: ["grp"], metadata: { user: "u1" } },
    );
    expect(result).toBe(42);
    expect(calls.map((c) => c.method)).toEqual(["chainStart", "toolStart", "chainEnd"]);
    expect(calls[0]).toEqual({
      method: "chainStart",
      runId: groupRunId,
      parentRunId: undefined,
      detail: { name: "my_group", serialized: "my_group", inputs: { question: "q" }, tags: ["grp"], metadata: { user: "u1" } },
    });
    expect(calls[1].parentRunId).toBe(groupRunId);
    expect(calls[2]).toEqual({ method: "chainEnd", runId: groupRunId, parentRunId: undefined, detail: {} });
  });

  it("passes tags and metadata on to the runs inside the group", () => {
    const bus = new CallbackBus();
    const tags: string[][] = [];
    bus.on("toolStart", (p) => tags.push([...p.tags, String(p.metadata.user)]));
    traceAsChainGroup("g", (group) => group.handleToolStart({ name: "t" }, "x"), {
      callbackManager: new CallbackManager(undefined, { bus }),
      tags: ["grp"],
      metadata: { user: "u1" },
    });
    expect(tags).toEqual([["grp", "u1"]]);
  });

  it("atraceAsChainGroup passes its tags and metadata on to the runs inside, awaited or not", async () => {
    const bus = new CallbackBus();
    const seen: [string, string[], unknown][] = [];
    bus.onAny((event, p) => void seen.push([event, [...p.tags], p.metadata.user]));
    await atraceAsChainGroup(
      "g",
      async (group) => {
        const chain = await group.handleChainStart({ name: "inner" }, {});
        const tool = await chain.getChild().handleToolStart({ name: "t" }, "x");
        await tool.handleToolEnd("y");
        await chain.handleChainEnd({});
      },
      { callbackManager: new AsyncCallbackManager(undefined, { bus }), tags: ["grp"], metadata: { user: "u1" } },
    );
    expect(seen).toEqual([
      ["chainStart", ["grp"], "u1"],
      ["chainStart", ["grp"], "u1"],
      ["toolStart", ["grp"], "u1"],
      ["toolEnd", ["grp"], "u1"],
      ["chainEnd", ["grp"], "u1"],
      ["chainEnd", ["grp"], "u1"],
    ]);
  });

  it("ends the run with the outputs given to group.handleChainEnd, once", () => {
    const { calls, handler } = tracer();
    const { manager } = managerWith(handler);
    traceAsChainGroup("g", (group) => {
      group.handleChainEnd({ answer: 7 });
      expect(group.ended).toBe(true);
    }, { callbackManager: manager, runId: "group-1" });
    expect(calls.filter((c) => c.method === "chainEnd")).toEqual([{ method: "chainEnd", runId: "group-1", parentRunId: undefined, detail: { answer: 7 } }]);
  });

  it("errors the run and re-throws when fn throws", () => {
    const { calls, handler } = tracer();
    const { manager } = managerWith(handler);
    expect(() =>
      traceAsChainGroup("g", () => {
        throw new Error("boom");
      }, { callbackManager: manager }),
    ).toThrow("boom");
    expect(calls.map((c) => [c.method, c.detail])).toEqual([
      ["chainStart", expect.anything()],
      ["chainError", "boom"],
    ]);
  });

  it("with an async fn, returns its promise and ends the run when it settles", async () => {
    const { calls, handler } = tracer();
    const { manager } = managerWith(handler);
    const pending = traceAsChainGroup("g", async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return "done";
    }, { callbackManager: manager });
    expect(calls.map((c) => c.method)).toEqual(["chainStart"]);
    await expect(pending).resolves.toBe("done");
    expect(calls.map((c) => c.method)).toEqual(["chainStart", "chainEnd"]);

    await expect(
      traceAsChainGroup("h", async () => {
        throw new Error("late");
      }, { callbackManager: manager }),
    ).rejects.toThrow("late");
    expect(calls.slice(2).map((c) => [c.method, c.detail])).toEqual([
      ["chainStart", expect.anything()],
      ["chainError", "late"],
    ]);
  });

  it("makes the group run current while fn runs, so custom events inside reach it", async () => {
    const { calls, handler } = tracer();
    const { manager } = managerWith(handler);
    let groupRunId = "";
    await traceAsChainGroup("g", async (group) => {
      groupRunId = group.parentRunId!;
      expect(currentCallbacks()).toBe(group);
      await new Promise((resolve) => setImmediate(resolve));
      dispatchCustomEvent("inside", {});
    }, { callbackManager: manager });
    expect(calls.find((c) => c.method === "customEvent")).toEqual({ method: "customEvent", runId: groupRunId, detail: "inside" });
    expect(currentCallbacks()).toBeUndefined();
  });

  it("without callbackManager, opens the group under the current run", () => {
    const { calls, handler } = tracer();
    const { manager } = managerWith(handler);
    const outer = manager.handleChainStart({ name: "outer" }, {});
    runWithCallbacks(outer, () => traceAsChainGroup("nested", () => undefined));
    const nested = calls.find((c) => c.method === "chainStart" && (c.detail as { name: string }).name === "nested");
    expect(nested?.parentRunId).toBe(outer.runId);
  });

  it("opens a group inside a group as its child, with the outer group's handlers", () => {
    const { calls, handler } = tracer();
    const { manager } = managerWith(handler);
    traceAsChainGroup("outer", () => traceAsChainGroup("inner", () => undefined), { callbackManager: manager });
    const [outer, inner] = calls.filter((c) => c.method === "chainStart");
    expect(inner.parentRunId).toBe(outer.runId);
    expect(calls.map((c) => c.method)).toEqual(["chainStart", "chainStart", "chainEnd", "chainEnd"]);
  });

  it("copies keep the group run, merges too", () => {
    const { manager } = managerWith(tracer().handler);
    traceAsChainGroup("g", (group) => {
      const extra: CallbackHandlerLike = { handleText() {} };
      const copy = group.copy([extra]);
      expect(copy).toBeInstanceOf(CallbackManagerForChainGroup);
      expect(copy.parentRunManager).toBe(group.parentRunManager);
      expect(copy.handlers).toContain(extra);
      expect(group.handlers).not.toContain(extra);
      expect(group.merge(new CallbackManager()).parentRunId).toBe(group.parentRunId);
    }, { callbackManager: manager });
  });

  it("names bad arguments", () => {
    expect(() => traceAsChainGroup("", () => 1)).toThrow(/non-empty string group name, got ""/);
    expect(() => traceAsChainGroup("g", undefined as unknown as () => number)).toThrow(/needs a function to run inside the group, got undefined/);
  });
});

describe("atraceAsChainGroup", () => {
  it("awaits every handler: the start before fn, the end before it settles", async () => {
    const log: string[] = [];
    const slow = (label: string) => async () => {
      await new Promise((resolve) => setImmediate(resolve));
      log.push(label);
    };
    const bus = new CallbackBus();
    const manager = CallbackManager.configure([{ handleChainStart: slow("start handled"), handleChainEnd: slow("end handled") }], undefined, { bus });
    const result = await atraceAsChainGroup("g", async (group) => {
      expect(group).toBeInstanceOf(AsyncCallbackManagerForChainGroup);
      log.push("fn");
      return "r";
    }, { callbackManager: manager });
    log.push("settled");
    expect(result).toBe("r");
    expect(log).toEqual(["start handled", "fn", "end handled", "settled"]);
  });

  it("gives fn an async group manager whose runs are children, and ends with given outputs", async () => {
    const { calls, handler } = tracer();
    const { manager } = managerWith(handler);
    await atraceAsChainGroup("g", async (group) => {
      const tool = await group.handleToolStart({ name: "t" }, "in");
      await tool.handleToolEnd("out");
      await group.handleChainEnd({ total: 1 });
    }, { callbackManager: manager, inputs: { a: 1 } });
    expect(calls.map((c) => c.method)).toEqual(["chainStart", "toolStart", "chainEnd"]);
    expect(calls[1].parentRunId).toBe(calls[0].runId);
    expect(calls[2].detail).toEqual({ total: 1 });
  });

  it("errors the run, after its handlers, and re-throws", async () => {
    const { calls, handler } = tracer();
    const { manager } = managerWith(handler);
    await expect(
      atraceAsChainGroup("g", async () => {
        throw new Error("nope");
      }, { callbackManager: manager }),
    ).rejects.toThrow("nope");
    expect(calls.map((c) => [c.method, c.method === "chainError" ? c.detail : null])).toEqual([
      ["chainStart", null],
      ["chainError", "nope"],
    ]);
  });
});
