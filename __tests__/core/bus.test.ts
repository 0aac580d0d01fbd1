import { CallbackBus, CallbackManager, RunEndedError, defaultBus, type CallbackEvents, type ListenerErrorEvent } from "callbus";

const base = (runId: string, parentRunId?: string) => ({ runId, parentRunId, tags: [] as string[], metadata: {} });

function captureWarnings(): { messages: string[]; restore: () => void } {
  const messages: string[] = [];
  const spy = jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    messages.push(args.map(String).join(" "));
  });
  return { messages, restore: () => spy.mockRestore() };
}

describe("CallbackBus", () => {
  test("on / once / off / emit are typed and keyed by event name", () => {
    const bus = new CallbackBus();
    const tokens: string[] = [];
    const onToken = ({ token }: CallbackEvents["llmNewToken"]) => {
      tokens.push(token);
    };
    bus.on("llmNewToken", onToken);
    bus.once("llmNewToken", ({ token }) => {
      tokens.push(`once:${token}`);
    });
    expect(bus.listenerCount("llmNewToken")).toBe(2);
    expect(bus.eventNames()).toEqual(["llmNewToken"]);
    expect(bus.emit("llmNewToken", { ...base("r"), token: "a", idx: { prompt: 0, completion: 0 } })).toBe(true);
    bus.emit("llmNewToken", { ...base("r"), token: "b", idx: { prompt: 0, completion: 0 } });
    bus.off("llmNewToken", onToken);
    bus.emit("llmNewToken", { ...base("r"), token: "c", idx: { prompt: 0, completion: 0 } });
    expect(tokens).toEqual(["a", "once:a", "b"]);
    expect(bus.listenerCount("llmNewToken")).toBe(0);
    expect(bus.emit("text", { ...base("r"), text: "nobody" })).toBe(false);
  });

  test("listeners come back after every one was removed, and after a once listener fired", () => {
    const bus = new CallbackBus();
    const heard: string[] = [];
    const text = (t: string) => bus.emit("text", { ...base("r"), text: t });
    const first = ({ text: t }: CallbackEvents["text"]) => void heard.push(`first:${t}`);
    bus.on("text", first);
    bus.off("text", first);
    text("nobody");
    bus.on("text", ({ text: t }) => void heard.push(`second:${t}`));
    text("a");
    bus.removeAllListeners();
    bus.once("text", ({ text: t }) => void heard.push(`once:${t}`));
    text("b");
    text("c");
    bus.on("retry", () => void heard.push("retry"));
    bus.emit("retry", { ...base("r"), retryState: { attemptNumber: 1 } });
    const detach = bus.attach({ handleText: (t: string) => void heard.push(`handler:${t}`) });
    text("d");
    detach();
    text("e");
    expect(heard).toEqual(["second:a", "once:b", "retry", "handler:d"]);
  });

  test("listeners() returns the functions as given, and removeAllListeners clears one event or all", () => {
    const bus = new CallbackBus();
    const a = () => undefined;
    const b = () => undefined;
    bus.on("text", a).on("text", b).on("retry", a);
    expect(bus.listeners("text")).toEqual([a, b]);
    bus.removeAllListeners("text");
    expect(bus.listenerCount("text")).toBe(0);
    expect(bus.listenerCount("retry")).toBe(1);
    bus.removeAllListeners();
    expect(bus.listenerCount()).toBe(0);
  });

  test("onAny hears every event with its name; offAny stops it", () => {
    const bus = new CallbackBus();
    const seen: string[] = [];
    const any = (event: string, payload: { runId: string }) => {
      seen.push(`${event}@${payload.runId}`);
    };
    bus.onAny(any);
    bus.emit("chainStart", { ...base("c1"), serialized: {}, inputs: {} });
    bus.emit("chainEnd", { ...base("c1"), outputs: {} });
    bus.offAny(any);
    bus.emit("text", { ...base("c2"), text: "x" });
    expect(seen).toEqual(["chainStart@c1", "chainEnd@c1"]);
  });

  test("unknown events, missing run ids and non-function listeners are refused with errors that name them", () => {
    const bus = new CallbackBus();
    const loose = bus as unknown as { on(e: string, f: unknown): void; emit(e: string, p: unknown): void };
    expect(() => loose.on("chainStrat", () => undefined)).toThrow(/unknown event "chainStrat"; known events are llmStart, /);
    expect(() => loose.emit("toString", base("r"))).toThrow(/unknown event "toString"/);
    expect(() => loose.on("text", "not a function")).toThrow(/listener for "text" must be a function, got string/);
    expect(() => bus.emit("text", { ...base(""), text: "x" })).toThrow(/text payload needs a non-empty string runId, got ""/);
    expect(() => loose.emit("text", { text: "x", tags: [], metadata: {} })).toThrow(/needs a non-empty string runId, got undefined/);
    expect(() => bus.run("")).toThrow(/bus.run\(\) needs a non-empty string runId/);
  });

  test("a listener that throws never stops the emit or the other listeners; the error is reported as listenerError", () => {
    const bus = new CallbackBus();
    const order: string[] = [];
    const reports: ListenerErrorEvent[] = [];
    bus.on("listenerError", (report) => {
      reports.push(report);
    });
    bus.on("text", () => {
      order.push("first");
      throw new Error("boom");
    });
    bus.on("text", () => {
      order.push("second");
    });
    bus.onAny(() => {
      throw new Error("any boom");
    });
    expect(() => bus.emit("text", { ...base("r1"), text: "hi" })).not.toThrow();
    expect(order).toEqual(["first", "second"]);
    expect(reports.map((r) => [r.event, r.runId, (r.error as Error).message])).toEqual([
      ["text", "r1", "boom"],
      ["text", "r1", "any boom"],
    ]);
  });

  test("with nobody listening to listenerError, failures go to console.warn with the event and run", async () => {
    const bus = new CallbackBus();
    const warnings = captureWarnings();
    try {
      bus.on("text", () => {
        throw new Error("sync failure");
      });
      bus.on("text", async () => {
        throw new Error("async failure");
      });
      bus.emit("text", { ...base("r9"), text: "x" });
      await bus.flush();
    } finally {
      warnings.restore();
    }
    expect(warnings.messages).toHaveLength(2);
    expect(warnings.messages[0]).toMatch(/a listener of "text" failed \(run r9\): Error: sync failure/);
    expect(warnings.messages[1]).toMatch(/a listener of "text" failed \(run r9\): Error: async failure/);
  });

  test("a listenerError listener that throws falls back to console.warn instead of looping", () => {
    const bus = new CallbackBus();
    const warnings = captureWarnings();
    try {
      bus.on("listenerError", () => {
        throw new Error("reporter broke");
      });
      bus.on("text", () => {
        throw new Error("first");
      });
      bus.emit("text", { ...base("r"), text: "x" });
    } finally {
      warnings.restore();
    }
    expect(warnings.messages).toHaveLength(1);
    expect(warnings.messages[0]).toMatch(/listenerError.*reporter broke/s);
  });

  test("flush() waits for every listener promise started so far, rejected ones included, with no unhandled rejection", async () => {
    const bus = new CallbackBus();
    const done: string[] = [];
    const reports: unknown[] = [];
    bus.on("listenerError", ({ error }) => {
      reports.push(error);
    });
    bus.on("text", async ({ text }) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      done.push(text);
    });
    bus.on("text", async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error("late failure");
    });
    bus.emit("text", { ...base("r"), text: "one" });
    bus.emit("text", { ...base("r"), text: "two" });
    expect(done).toEqual([]);
    await bus.flush();
    expect(done.sort()).toEqual(["one", "two"]);
    expect(reports).toHaveLength(2);
  });

  test("the default bus receives the events of managers given no bus", () => {
    const texts: string[] = [];
    const listener = ({ text }: CallbackEvents["text"]) => {
      texts.push(text);
    };
    defaultBus.on("text", listener);
    try {
      const run = new CallbackManager().handleChainStart({ name: "x" }, {});
      run.handleText("to the default bus");
      run.handleChainEnd({});
    } finally {
      defaultBus.off("text", listener);
    }
    expect(texts).toEqual(["to the default bus"]);
  });
});

describe("run scopes (bus.run)", () => {
  test("a scope hears only its run; with descendants, its child runs too (behaviours.md 30)", () => {
    const bus = new CallbackBus();
    const manager = new CallbackManager(undefined, { bus });
    const root = manager.handleChainStart({ name: "root" }, {}, "root");
    const own: string[] = [];
    const tree: string[] = [];
    bus.run("root").onAny((event, p) => {
      own.push(`${event}@${p.runId}`);
    });
    bus.run("root", { descendants: true }).onAny((event, p) => {
      tree.push(`${event}@${p.runId}`);
    });
    const child = root.getChild().handleChainStart({ name: "child" }, {}, "child");
    const [llm] = child.getChild().handleLLMStart({ name: "llm" }, ["p"], "grandchild");
    llm.handleLLMNewToken("t");
    llm.handleLLMEnd({ generations: [] });
    child.handleChainEnd({});
    manager.handleChainStart({ name: "other" }, {}, "other").handleChainEnd({});
    root.handleText("hello");
    root.handleChainEnd({});
    expect(own).toEqual(["text@root", "chainEnd@root"]);
    expect(tree).toEqual([
      "chainStart@child",
      "llmStart@grandchild",
      "llmNewToken@grandchild",
      "llmEnd@grandchild",
      "chainEnd@child",
      "text@root",
      "chainEnd@root",
    ]);
  });

  test("a scope can subscribe before its run starts", () => {
    const bus = new CallbackBus();
    const seen: string[] = [];
    bus.run("later").on("chainStart", ({ name }) => {
      seen.push(String(name));
    });
    expect(bus.activeScopes).toBe(1);
    new CallbackManager(undefined, { bus }).handleChainStart({ name: "Later" }, {}, "later").handleChainEnd({});
    expect(seen).toEqual(["Later"]);
    expect(bus.activeScopes).toBe(0);
  });

  test("run managers are child emitters of their run", () => {
    const bus = new CallbackBus();
    const run = new CallbackManager(undefined, { bus }).handleChainStart({ name: "r" }, {});
    const other = new CallbackManager(undefined, { bus }).handleChainStart({ name: "o" }, {});
    const texts: string[] = [];
    run.on("text", ({ text }) => {
      texts.push(text);
    });
    other.handleText("not mine");
    run.handleText("mine");
    run.handleChainEnd({});
    other.handleChainEnd({});
    expect(texts).toEqual(["mine"]);
    expect(() => run.on("text", () => undefined)).toThrow(RunEndedError);
  });

  test("when a run ends or errors, its scoped listeners are released (behaviours.md 31)", () => {
    const bus = new CallbackBus();
    const manager = new CallbackManager(undefined, { bus });
    for (const ending of ["end", "error"] as const) {
      const run = manager.handleChainStart({ name: "r" }, {});
      const scope = bus.run(run.runId, { descendants: true });
      scope.on("text", () => undefined).on("chainEnd", () => undefined);
      bus.run(run.runId).onAny(() => undefined);
      expect(bus.activeScopes).toBe(2);
      if (ending === "end") run.handleChainEnd({});
      else run.handleChainError(new Error("failed"));
      expect(scope.isReleased).toBe(true);
      expect(scope.listenerCount()).toBe(0);
      expect(bus.activeScopes).toBe(0);
      expect(bus.activeRuns).toBe(0);
      expect(() => scope.on("text", () => undefined)).toThrow(/has already ended; its scope cannot take new listeners/);
    }
  });

  test("a scope whose last listener goes away leaves the bus's index", () => {
    const bus = new CallbackBus();
    const listener = () => undefined;
    const scope = bus.run("never-started");
    scope.on("text", listener);
    expect(bus.activeScopes).toBe(1);
    scope.off("text", listener);
    expect(bus.activeScopes).toBe(0);
    scope.on("text", listener);
    expect(bus.activeScopes).toBe(1);
    scope.removeAllListeners();
    expect(bus.activeScopes).toBe(0);
  });

  test("bus.run() of a run that has ended says so", () => {
    const bus = new CallbackBus();
    const run = new CallbackManager(undefined, { bus }).handleChainStart({}, {}, "gone");
    run.handleChainEnd({});
    expect(() => bus.run("gone")).toThrow(/run "gone" has already ended; there is nothing left to listen to/);
  });
});

describe("ending a run twice (behaviours.md 32)", () => {
  test("a run manager emits its end once and throws a RunEndedError the second time", () => {
    const bus = new CallbackBus();
    const ends: string[] = [];
    bus.on("chainEnd", ({ runId }) => {
      ends.push(runId);
    });
    bus.on("chainError", ({ runId }) => {
      ends.push(`error:${runId}`);
    });
    const run = new CallbackManager(undefined, { bus }).handleChainStart({}, {}, "twice");
    run.handleChainEnd({});
    expect(() => run.handleChainEnd({})).toThrow(RunEndedError);
    expect(() => run.handleChainError(new Error("late"))).toThrow(/run "twice" has already ended; chainError was not emitted again/);
    expect(ends).toEqual(["twice"]);
    expect(run.isEnded).toBe(true);
  });

  test("a raw bus emit of a second end is refused the same way", () => {
    const bus = new CallbackBus();
    let ends = 0;
    bus.on("toolEnd", () => {
      ends++;
    });
    bus.emit("toolStart", { ...base("t1"), serialized: {}, input: "q" });
    bus.emit("toolEnd", { ...base("t1"), output: 1 });
    expect(() => bus.emit("toolEnd", { ...base("t1"), output: 2 })).toThrow(/run "t1" has already ended; toolEnd was not emitted again/);
    expect(ends).toBe(1);
  });

  test("a run id may start again after its run ended; its new run ends once too", () => {
    const bus = new CallbackBus();
    const ends: string[] = [];
    bus.on("chainEnd", ({ runId }) => void ends.push(runId));
    for (let round = 0; round < 2; round++) {
      bus.emit("chainStart", { ...base("again"), serialized: {}, inputs: {} });
      bus.emit("chainEnd", { ...base("again"), outputs: {} });
    }
    expect(() => bus.emit("chainEnd", { ...base("again"), outputs: {} })).toThrow(RunEndedError);
    expect(ends).toEqual(["again", "again"]);
    expect(bus.activeRuns).toBe(0);
  });

  test("the async run managers reject instead of throwing", async () => {
    const { AsyncCallbackManager } = await import("callbus");
    const bus = new CallbackBus();
    const run = await new AsyncCallbackManager(undefined, { bus }).handleToolStart({ name: "t" }, "x");
    await run.handleToolEnd("ok");
    await expect(run.handleToolError(new Error("again"))).rejects.toThrow(RunEndedError);
  });

  test("getChild on an ended run is an error that names the run", () => {
    const run = new CallbackManager(undefined, { bus: new CallbackBus() }).handleChainStart({}, {}, "done-run");
    run.handleChainEnd({});
    expect(() => run.getChild()).toThrow(/run "done-run" has already ended; getChild\(\) cannot start children under it/);
  });
});

describe("bus.events() (behaviours.md 33)", () => {
  test("follows one run and ends when it ends, leaving no listener behind", async () => {
    const bus = new CallbackBus();
    const manager = new CallbackManager(undefined, { bus });
    const run = manager.handleChainStart({ name: "followed" }, {}, "f1");
    const stream = bus.events({ runId: "f1", descendants: true });
    expect(bus.activeScopes).toBe(1);
    const collected = (async () => {
      const items: string[] = [];
      for await (const { event, payload } of stream) items.push(`${event}@${payload.runId}`);
      return items;
    })();
    const [llm] = run.getChild().handleLLMStart({}, ["p"], "l1");
    llm.handleLLMNewToken("a");
    llm.handleLLMEnd({ generations: [] });
    manager.handleChainStart({}, {}, "unrelated").handleChainEnd({});
    run.handleChainEnd({ done: true });
    expect(await collected).toEqual(["llmStart@l1", "llmNewToken@l1", "llmEnd@l1", "chainEnd@f1"]);
    expect(bus.activeScopes).toBe(0);
    expect(bus.listenerCount()).toBe(0);
  });

  test("ends when its signal aborts, and filters by event name", async () => {
    const bus = new CallbackBus();
    const controller = new AbortController();
    const stream = bus.events({ events: ["text"], signal: controller.signal });
    expect(bus.listenerCount()).toBe(1);
    const collected = (async () => {
      const texts: string[] = [];
      for await (const item of stream) if (item.event === "text") texts.push(item.payload.text);
      return texts;
    })();
    bus.emit("text", { ...base("r"), text: "one" });
    bus.emit("retry", { ...base("r"), retryState: { attemptNumber: 1 } });
    bus.emit("text", { ...base("r"), text: "two" });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    bus.emit("text", { ...base("r"), text: "after abort" });
    expect(await collected).toEqual(["one", "two"]);
    expect(bus.listenerCount()).toBe(0);
  });

  test("a consumer that breaks out of the loop removes the listener", async () => {
    const bus = new CallbackBus();
    const stream = bus.events();
    bus.emit("text", { ...base("r"), text: "first" });
    bus.emit("text", { ...base("r"), text: "second" });
    for await (const item of stream) {
      expect(item.event).toBe("text");
      break;
    }
    expect(bus.listenerCount()).toBe(0);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  test("an already aborted signal gives an empty stream; an unknown event name is an error", async () => {
    const bus = new CallbackBus();
    const stream = bus.events({ signal: AbortSignal.abort() });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(bus.listenerCount()).toBe(0);
    expect(() => bus.events({ events: ["nope" as "text"] })).toThrow(/events\(\) got unknown event "nope"/);
  });
});
