import { ahandleEvent, CallbackBus, handleEvent, type CallbackHandlerLike, type ListenerErrorEvent } from "callbus";

const textPayload = (runId: string) => ({ text: "hello", runId, tags: ["t"], metadata: {} });

describe("handleEvent", () => {
  it("calls the event's method with LangChain.js's arguments on every handler that wants it", () => {
    const bus = new CallbackBus();
    const got: unknown[][] = [];
    const a: CallbackHandlerLike = { handleText: (...args) => void got.push(["a", ...args]) };
    const b: CallbackHandlerLike = { handleLLMEnd: () => void got.push(["b"]) };
    handleEvent([a, b], "text", textPayload("r1"), { bus });
    expect(got).toEqual([["a", "hello", "r1", undefined, ["t"], undefined]]);
  });

  it("honours ignore flags and falls back from chatModelStart to handleLLMStart", () => {
    const bus = new CallbackBus();
    const got: string[] = [];
    const ignoring: CallbackHandlerLike = { ignoreCustomEvent: true, handleCustomEvent: () => void got.push("ignored one") };
    const plain: CallbackHandlerLike = { handleCustomEvent: (name) => void got.push(name) };
    handleEvent([ignoring, plain], "customEvent", { eventName: "e", data: {}, runId: "r", tags: [], metadata: {} }, { bus });
    const llmOnly: CallbackHandlerLike = { handleLLMStart: (_s, prompts) => void got.push(prompts[0]) };
    handleEvent([llmOnly], "chatModelStart", { serialized: {}, messages: [[{ role: "user", content: "hi" }]], runId: "r2", tags: [], metadata: {} }, { bus });
    expect(got).toEqual(["e", "Human: hi"]);
  });

  it("reports a throwing handler with its name and goes on to the next", () => {
    const bus = new CallbackBus();
    const errors: ListenerErrorEvent[] = [];
    bus.on("listenerError", (e) => errors.push(e));
    const got: string[] = [];
    const bad: CallbackHandlerLike = {
      name: "bad",
      handleText() {
        throw new Error("broken");
      },
    };
    handleEvent([bad, { handleText: () => void got.push("good") }], "text", textPayload("r"), { bus });
    expect(got).toEqual(["good"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ event: "text", runId: "r", handler: "bad" });
    expect((errors[0].error as Error).message).toBe("broken");
  });

  it("throws the error of a raiseError handler", () => {
    const bus = new CallbackBus();
    bus.on("listenerError", () => undefined);
    const bad: CallbackHandlerLike = {
      raiseError: true,
      handleText() {
        throw new Error("raised");
      },
    };
    expect(() => handleEvent([bad], "text", textPayload("r"), { bus })).toThrow("raised");
  });

  it("does not wait for async handlers; flush() does", async () => {
    const bus = new CallbackBus();
    const got: string[] = [];
    const slow: CallbackHandlerLike = {
      async handleText(text) {
        await new Promise((resolve) => setImmediate(resolve));
        got.push(text);
      },
    };
    handleEvent([slow], "text", textPayload("r"), { bus });
    expect(got).toEqual([]);
    await bus.flush();
    expect(got).toEqual(["hello"]);
  });

  it("names an unknown event", () => {
    expect(() => handleEvent([], "nope" as "text", textPayload("r"))).toThrow(/nope/);
  });
});

describe("ahandleEvent", () => {
  it("settles after every handler's call, the calls of one handler in order", async () => {
    const bus = new CallbackBus();
    const got: string[] = [];
    const slow: CallbackHandlerLike = {
      async handleText(text) {
        await new Promise((resolve) => setImmediate(resolve));
        got.push(text);
      },
    };
    const first = ahandleEvent([slow], "text", { ...textPayload("r"), text: "one" }, { bus });
    await ahandleEvent([slow], "text", { ...textPayload("r"), text: "two" }, { bus });
    expect(got).toEqual(["one", "two"]);
    await first;
  });

  it("rejects with a raiseError handler's rejection, and reports other failures", async () => {
    const bus = new CallbackBus();
    const errors: ListenerErrorEvent[] = [];
    bus.on("listenerError", (e) => errors.push(e));
    const quiet: CallbackHandlerLike = { name: "quiet", handleText: async () => Promise.reject(new Error("quiet failure")) };
    await expect(ahandleEvent([quiet], "text", textPayload("r"), { bus })).resolves.toBeUndefined();
    expect(errors.map((e) => e.handler)).toEqual(["quiet"]);
    const loud: CallbackHandlerLike = { raiseError: true, handleText: async () => Promise.reject(new Error("loud failure")) };
    await expect(ahandleEvent([loud], "text", textPayload("r"), { bus })).rejects.toThrow("loud failure");
  });
});
