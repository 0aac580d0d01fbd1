import {
  ALL_EVENT_NAMES,
  EVENT_NAMES,
  HANDLER_METHODS,
  CallbackBus,
  CallbackManager,
  type CallbackEvents,
  type CallbackHandlerMethods,
} from "callbus";
// Internal: the table and the argument conversion are not public API.
import { EVENT_TABLE, argsToPayload } from "../../lib/events";

describe("the event table", () => {
  test("EVENT_NAMES lists the 19 callbacks, each named after its handler method", () => {
    expect(EVENT_NAMES).toEqual([
      "llmStart",
      "chatModelStart",
      "llmNewToken",
      "llmEnd",
      "llmError",
      "chainStart",
      "chainEnd",
      "chainError",
      "toolStart",
      "toolEnd",
      "toolError",
      "retrieverStart",
      "retrieverEnd",
      "retrieverError",
      "agentAction",
      "agentEnd",
      "text",
      "retry",
      "customEvent",
    ]);
    for (const event of EVENT_NAMES) {
      const method = HANDLER_METHODS[event];
      const derived = method.slice("handle".length).replace(/^LLM/, "llm");
      expect(derived.charAt(0).toLowerCase() + derived.slice(1)).toBe(event);
    }
    expect(Object.isFrozen(EVENT_NAMES)).toBe(true);
  });

  test("LangChain.js 1.x's extra callbacks are carried too, but are not among the 19", () => {
    expect(ALL_EVENT_NAMES).toEqual([...EVENT_NAMES, "chatModelStreamEvent", "toolEvent"]);
    expect(HANDLER_METHODS.chatModelStreamEvent).toBe("handleChatModelStreamEvent");
    expect(HANDLER_METHODS.toolEvent).toBe("handleToolEvent");
  });

  test("handlers get LangChain.js's positional arguments, handleChainStart in the order LangChain.js really calls it", () => {
    const bus = new CallbackBus();
    const calls: Record<string, unknown[]> = {};
    const record =
      (name: string) =>
      (...args: unknown[]) => {
        calls[name] = args;
      };
    const handler: CallbackHandlerMethods = {
      handleChainStart: record("chainStart"),
      handleChainEnd: record("chainEnd"),
      handleLLMStart: record("llmStart"),
      handleLLMNewToken: record("llmNewToken"),
      handleToolStart: record("toolStart"),
      handleToolEnd: record("toolEnd"),
      handleCustomEvent: record("customEvent"),
    };
    const manager = new CallbackManager("parent-0", { bus, handlers: [handler], tags: ["t"], metadata: { m: 1 } });
    const chain = manager.handleChainStart({ name: "Seq" }, { q: 1 }, "chain-1", "prompt", undefined, undefined, "MyChain", undefined, { x: 1 });
    expect(calls.chainStart).toEqual([{ name: "Seq" }, { q: 1 }, "chain-1", "parent-0", ["t"], { m: 1 }, "prompt", "MyChain", { x: 1 }]);

    const [llm] = new CallbackManager("chain-1", { bus, handlers: [handler] }).handleLLMStart({ id: ["a", "FakeLLM"] }, ["p"], "llm-1", undefined, { temperature: 0 });
    // No run name was given, so the handler gets none (the payload's `name` is the derived "FakeLLM").
    expect(calls.llmStart).toEqual([{ id: ["a", "FakeLLM"] }, ["p"], "llm-1", "chain-1", { temperature: 0 }, [], {}, undefined]);
    const chunk = { text: "x" };
    llm.handleLLMNewToken("x", { prompt: 0, completion: 0 }, undefined, undefined, undefined, { chunk });
    expect(calls.llmNewToken).toEqual(["x", { prompt: 0, completion: 0 }, "llm-1", "chain-1", [], { chunk }]);
    llm.handleLLMNewToken("y");
    expect(calls.llmNewToken).toEqual(["y", { prompt: 0, completion: 0 }, "llm-1", "chain-1", [], undefined]);

    const tool = new CallbackManager("chain-1", { bus, handlers: [handler] }).handleToolStart({ name: "search" }, "q", "tool-1", undefined, undefined, undefined, undefined, "call-7");
    expect(calls.toolStart).toEqual([{ name: "search" }, "q", "tool-1", "chain-1", [], {}, undefined, "call-7"]);
    tool.handleToolEnd("found");
    expect(calls.toolEnd).toEqual(["found", "tool-1", "chain-1", [], undefined]);

    chain.handleCustomEvent("progress", { pct: 50 });
    expect(calls.customEvent).toEqual(["progress", { pct: 50 }, "chain-1", ["t"], { m: 1 }]);
    chain.handleChainEnd({ a: 1 }, undefined, undefined, undefined, { inputs: { q: 1 } });
    expect(calls.chainEnd).toEqual([{ a: 1 }, "chain-1", "parent-0", ["t"], { inputs: { q: 1 } }]);
  });

  test("every payload of an event has the same fields; a bag argument holds only the options given", () => {
    const bus = new CallbackBus();
    const payloads: CallbackEvents["toolEnd"][] = [];
    const bags: unknown[] = [];
    bus.on("toolEnd", (payload) => void payloads.push(payload));
    const manager = new CallbackManager(undefined, { bus, handlers: [{ handleToolEnd: (...args: unknown[]) => void bags.push(args[4]) }] });
    manager.handleToolStart({ name: "a" }, "x").handleToolEnd("plain");
    manager.handleToolStart({ name: "b" }, "x").handleToolEnd("coloured", { color: "red", llmPrefix: "Thought:" });
    expect(Object.keys(payloads[0])).toEqual(Object.keys(payloads[1]));
    expect(payloads[1]).toMatchObject({ output: "coloured", color: "red", llmPrefix: "Thought:" });
    expect(payloads[0].color).toBeUndefined();
    expect(bags).toEqual([undefined, { color: "red", llmPrefix: "Thought:" }]);
  });

  test("argsToPayload reads LangChain.js arguments back into a payload", () => {
    const payload = argsToPayload("llmNewToken", ["tok", { prompt: 0, completion: 1 }, "r", "p", ["t"], { chunk: { text: "tok" } }]);
    expect(payload).toEqual({
      token: "tok",
      idx: { prompt: 0, completion: 1 },
      runId: "r",
      parentRunId: "p",
      tags: ["t"],
      chunk: { text: "tok" },
      metadata: {},
    });
    const start = argsToPayload("chainStart", [{ name: "S" }, { q: 1 }, "r", undefined, undefined, { k: "v" }, "chain", "Named"]);
    expect(start).toMatchObject({ serialized: { name: "S" }, inputs: { q: 1 }, runId: "r", tags: [], metadata: { k: "v" }, runType: "chain", name: "Named" });
  });

  test("every row names a handler method, an ignore flag or none, and a phase", () => {
    for (const [event, row] of Object.entries(EVENT_TABLE)) {
      expect(row.method).toMatch(/^handle[A-Z]/);
      expect(["start", "during", "end"]).toContain(row.phase);
      expect(row.params).toContain("runId");
      expect(event.length).toBeGreaterThan(0);
    }
  });
});
