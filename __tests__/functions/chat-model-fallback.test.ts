import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { AsyncCallbackManager, CallbackBus, CallbackManager, type CallbackHandlerMethods, type MessageLike } from "callbus";

/** A handler with handleLLMStart only: it records the prompts and run id of each call. */
function promptRecorder() {
  const calls: { prompts: string[]; runId: string; runName?: string }[] = [];
  const handler: CallbackHandlerMethods = {
    handleLLMStart(_serialized, prompts, runId, _parentRunId, _extra, _tags, _metadata, runName) {
      calls.push({ prompts, runId, runName });
    },
  };
  return { calls, handler };
}

const lists: [string, MessageLike[]][] = [
  ["LangChain.js message objects", [new HumanMessage("hi"), new AIMessage("hello")]],
  ["plain { role, content } objects", [{ role: "user", content: "hi" }, { role: "assistant", content: "hello" }]],
  ["plain { type, content } objects", [{ type: "human", content: "hi" }, { type: "ai", content: "hello" }]],
];

describe("chat-model start reaches a handler without handleChatModelStart as handleLLMStart", () => {
  it.each(lists)("flattens %s to the buffer string", (_label, messages) => {
    const bus = new CallbackBus();
    const { calls, handler } = promptRecorder();
    const manager = new CallbackManager(undefined, { bus, handlers: [handler] });
    const [run] = manager.handleChatModelStart({ name: "chat" }, [messages]);
    expect(calls).toEqual([{ prompts: ["Human: hi\nAI: hello"], runId: run.runId, runName: undefined }]);
  });

  it("gives one call per message list, each with its own run id, and keeps the messages on the bus", () => {
    const bus = new CallbackBus();
    const seen: MessageLike[][][] = [];
    bus.on("chatModelStart", (p) => seen.push(p.messages));
    const { calls, handler } = promptRecorder();
    const manager = new CallbackManager(undefined, { bus, handlers: [handler] });
    const runs = manager.handleChatModelStart({ name: "chat" }, [
      [new SystemMessage("be brief"), new HumanMessage("hi")],
      [{ role: "user", content: [{ type: "text", text: "hi" }] }, { type: "ai", content: "hello" }],
    ]);
    expect(calls.map((c) => c.prompts)).toEqual([["System: be brief\nHuman: hi"], ["Human: hi\nAI: hello"]]);
    expect(calls.map((c) => c.runId)).toEqual(runs.map((r) => r.runId));
    expect(new Set(runs.map((r) => r.runId)).size).toBe(2);
    expect(seen.map((m) => m[0].length)).toEqual([2, 2]);
  });

  it("does not fall back when the handler has handleChatModelStart", () => {
    const bus = new CallbackBus();
    const got: string[] = [];
    const handler: CallbackHandlerMethods = {
      handleLLMStart: () => void got.push("llm"),
      handleChatModelStart: (_s, messages) => void got.push(`chat:${messages[0].length}`),
    };
    new CallbackManager(undefined, { bus, handlers: [handler] }).handleChatModelStart({}, [[new HumanMessage("hi")]]);
    expect(got).toEqual(["chat:1"]);
  });

  it("falls back the same way in the async manager and for a handler attached to the bus", async () => {
    const bus = new CallbackBus();
    const local = promptRecorder();
    const attached = promptRecorder();
    bus.attach(attached.handler);
    const manager = new AsyncCallbackManager(undefined, { bus, handlers: [local.handler] });
    const [run] = await manager.handleChatModelStart({ name: "chat" }, [[new HumanMessage("hi"), new AIMessage("hello")]]);
    expect(local.calls).toEqual([{ prompts: ["Human: hi\nAI: hello"], runId: run.runId, runName: undefined }]);
    expect(attached.calls).toEqual(local.calls);
  });

  it("does not call handleLLMStart for a handler that ignores LLM events", () => {
    const bus = new CallbackBus();
    const { calls, handler } = promptRecorder();
    new CallbackManager(undefined, { bus, handlers: [{ ...handler, ignoreLLM: true }] }).handleChatModelStart({}, [[new HumanMessage("hi")]]);
    expect(calls).toEqual([]);
  });
});
