/**
 * Manager rules shared with LangChain Python: `merge()` takes the other manager's parent run when
 * it has none, `ignoreChatModel` skips chat-model starts (fallback included), and a tag that is
 * both local and inheritable stays inheritable (callbus's own rule).
 */
import { CallbackBus, CallbackManager, type CallbackHandlerMethods, type ChainStartEvent } from "callbus";

describe("manager semantics", () => {
  test("runs started from a merged manager are children of the other manager's parent when this one has none", () => {
    const bus = new CallbackBus();
    const starts: ChainStartEvent[] = [];
    bus.on("chainStart", (p) => void starts.push(p));
    const parentless = new CallbackManager(undefined, { bus });
    const withParent = new CallbackManager("parent-run", { bus });
    parentless.merge(withParent).handleChainStart({ name: "a" }, {}, "a");
    new CallbackManager("own-parent", { bus }).merge(withParent).handleChainStart({ name: "b" }, {}, "b");
    expect(starts.map((p) => [p.runId, p.parentRunId])).toEqual([
      ["a", "parent-run"],
      ["b", "own-parent"],
    ]);
  });

  test("ignoreChatModel skips chat-model starts, the handleLLMStart fallback too, and nothing else", () => {
    const bus = new CallbackBus();
    const got: string[] = [];
    const both: CallbackHandlerMethods & { ignoreChatModel: boolean } = {
      ignoreChatModel: true,
      handleChatModelStart: () => void got.push("both:chatModelStart"),
      handleLLMStart: () => void got.push("both:llmStart"),
      handleLLMEnd: () => void got.push("both:llmEnd"),
    };
    const fallbackOnly = { ignoreChatModel: true, handleLLMStart: () => void got.push("fallback:llmStart") };
    const manager = CallbackManager.configure([both, fallbackOnly], undefined, { bus });
    const [chat] = manager.handleChatModelStart({ name: "chat" }, [[{ role: "user", content: "hi" }]]);
    chat.handleLLMEnd({ generations: [] });
    manager.handleLLMStart({ name: "llm" }, ["hi"]);
    expect(got).toEqual(["both:llmEnd", "both:llmStart", "fallback:llmStart"]);
  });

  test("a tag added as local after being inheritable stays inheritable, so children keep it", () => {
    const bus = new CallbackBus();
    const manager = CallbackManager.configure([], undefined, { bus, inheritableTags: ["shared", "up"], localTags: ["shared", "here"] });
    expect(manager.tags).toEqual(["up", "shared", "here"]);
    expect(manager.inheritableTags).toEqual(["shared", "up"]);
    const child = manager.handleChainStart({ name: "parent" }, {}).getChild();
    expect(child.tags).toEqual(["shared", "up"]);
  });
});
