/** UsageMetadataCallbackHandler and getUsageMetadataCallback (conformance 28, 29). */
import { AIMessage } from "@langchain/core/messages";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ChatResult } from "@langchain/core/outputs";
import type { BaseMessage } from "@langchain/core/messages";
import { CallbackBus, CallbackManager, getUsageMetadataCallback, type LLMResult, type UsageMetadata } from "callbus";
import { UsageMetadataCallbackHandler, addUsage } from "callbus/handlers";

function result(model: string | undefined, usage: UsageMetadata | undefined): LLMResult {
  const message = new AIMessage({ content: "ok", usage_metadata: usage, response_metadata: model === undefined ? {} : { model_name: model } });
  return { generations: [[{ text: "ok", message }]] };
}

function finishLLM(cm: CallbackManager, output: LLMResult): void {
  const [llm] = cm.handleChatModelStart({ name: "Model" }, [[{ role: "user", content: "hi" }]]);
  llm.handleLLMEnd(output);
}

describe("UsageMetadataCallbackHandler", () => {
  test("sums usage per model name, nested details included; absent fields stay absent", () => {
    const usage = new UsageMetadataCallbackHandler();
    const cm = CallbackManager.configure([usage], undefined, { bus: new CallbackBus() });
    finishLLM(cm, result("gpt-a", { input_tokens: 8, output_tokens: 10, total_tokens: 18, input_token_details: { cache_read: 2 } }));
    finishLLM(cm, result("gpt-a", { input_tokens: 1, output_tokens: 2, total_tokens: 3, input_token_details: { audio: 1 } }));
    finishLLM(cm, result("claude-b", { input_tokens: 5, output_tokens: 5, total_tokens: 10, output_token_details: { reasoning: 4 } }));
    finishLLM(cm, result("claude-b", { input_tokens: 1, output_tokens: 1, total_tokens: 2, output_token_details: { reasoning: 1 } }));
    expect(usage.usageMetadata).toStrictEqual({
      "gpt-a": { input_tokens: 9, output_tokens: 12, total_tokens: 21, input_token_details: { cache_read: 2, audio: 1 } },
      "claude-b": { input_tokens: 6, output_tokens: 6, total_tokens: 12, output_token_details: { reasoning: 5 } },
    });
    expect(Object.keys(usage.usageMetadata["gpt-a"])).not.toContain("output_token_details");
  });

  test("a model named __proto__ (or constructor) is counted as an own key, in keys and JSON", () => {
    const usage = new UsageMetadataCallbackHandler();
    const cm = CallbackManager.configure([usage], undefined, { bus: new CallbackBus() });
    for (let i = 0; i < 2; i++) {
      finishLLM(cm, result("__proto__", { input_tokens: 1, output_tokens: 2, total_tokens: 3 }));
      finishLLM(cm, result("constructor", { input_tokens: 4, output_tokens: 0, total_tokens: 4 }));
    }
    expect(Object.getPrototypeOf(usage.usageMetadata)).toBe(Object.prototype);
    expect(Object.keys(usage.usageMetadata)).toEqual(["__proto__", "constructor"]);
    expect(usage.toString()).toBe('{"__proto__":{"input_tokens":2,"output_tokens":4,"total_tokens":6},"constructor":{"input_tokens":8,"output_tokens":0,"total_tokens":8}}');
  });

  test("a usage field named __proto__ is summed as an own key, never as the prototype", () => {
    const left = JSON.parse('{"input_tokens":1,"output_tokens":0,"total_tokens":1,"input_token_details":{"__proto__":2}}') as UsageMetadata;
    const right = JSON.parse('{"input_tokens":1,"output_tokens":0,"total_tokens":1,"input_token_details":{"__proto__":3},"__proto__":{"x":1}}') as UsageMetadata;
    const sum = addUsage(left, right);
    expect(JSON.stringify(sum)).toBe('{"input_tokens":2,"output_tokens":0,"total_tokens":2,"input_token_details":{"__proto__":5},"__proto__":{"x":1}}');
    expect(Object.getPrototypeOf(sum)).toBe(Object.prototype);
  });

  test("a result without a model name, without usage or without generations is skipped", () => {
    const usage = new UsageMetadataCallbackHandler();
    const cm = CallbackManager.configure([usage], undefined, { bus: new CallbackBus() });
    finishLLM(cm, result(undefined, { input_tokens: 1, output_tokens: 1, total_tokens: 2 }));
    finishLLM(cm, result("", { input_tokens: 1, output_tokens: 1, total_tokens: 2 }));
    finishLLM(cm, result("gpt-a", undefined));
    finishLLM(cm, { generations: [] });
    finishLLM(cm, { generations: [[{ text: "plain completion" }]] });
    expect(usage.usageMetadata).toStrictEqual({});
    expect(Object.keys(usage.usageMetadata)).not.toContain("undefined");
  });

  test("only the first generation counts, and the counted message is not changed later", () => {
    const usage = new UsageMetadataCallbackHandler();
    const first = result("m", { input_tokens: 1, output_tokens: 1, total_tokens: 2 });
    const second = result("m", { input_tokens: 100, output_tokens: 100, total_tokens: 200 });
    usage.handleLLMEnd({ generations: [[first.generations[0][0], second.generations[0][0]]] });
    usage.handleLLMEnd(result("m", { input_tokens: 1, output_tokens: 1, total_tokens: 2 }));
    expect(usage.usageMetadata.m).toStrictEqual({ input_tokens: 2, output_tokens: 2, total_tokens: 4 });
    expect(first.generations[0][0].message!.usage_metadata).toStrictEqual({ input_tokens: 1, output_tokens: 1, total_tokens: 2 });
  });

  test("addUsage follows add_usage: missing side counts as zero, mismatched fields are refused", () => {
    expect(addUsage(undefined, undefined)).toStrictEqual({ input_tokens: 0, output_tokens: 0, total_tokens: 0 });
    expect(addUsage({ input_tokens: 1, output_tokens: 2, total_tokens: 3 }, undefined)).toStrictEqual({ input_tokens: 1, output_tokens: 2, total_tokens: 3 });
    expect(() =>
      addUsage({ input_tokens: 1, output_tokens: 2, total_tokens: 3, input_token_details: { a: 1 } }, { input_tokens: 1, output_tokens: 2, total_tokens: 3, input_token_details: 5 as never }),
    ).toThrow(/cannot add usage field "input_token_details"/);
  });

  test("counts the usage a real LangChain.js chat model reports", async () => {
    class UsageChatModel extends BaseChatModel {
      _llmType(): string {
        return "usage-fake";
      }
      async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
        const message = new AIMessage({
          content: "hello",
          usage_metadata: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
          response_metadata: { model_name: "fake-1" },
        });
        return { generations: [{ text: "hello", message }] };
      }
    }
    const usage = new UsageMetadataCallbackHandler();
    const model = new UsageChatModel({});
    await model.invoke("hi", { callbacks: [usage] });
    await model.invoke("again", { callbacks: [usage] });
    expect(usage.usageMetadata).toStrictEqual({ "fake-1": { input_tokens: 6, output_tokens: 8, total_tokens: 14 } });
  });
});

describe("getUsageMetadataCallback", () => {
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

  test("every manager configured inside includes the handler, child runs too; resolves to it", async () => {
    const bus = new CallbackBus();
    let inside: UsageMetadataCallbackHandler | undefined;
    const cb = await getUsageMetadataCallback(async (handler) => {
      inside = handler;
      await tick();
      const cm = CallbackManager.configure(undefined, undefined, { bus });
      expect(cm.handlers).toContain(handler);
      expect(cm.inheritableHandlers).toContain(handler);
      const chain = cm.handleChainStart({ name: "Outer" }, {});
      const [llm] = chain.getChild().handleChatModelStart({ name: "M" }, [[{ role: "user", content: "x" }]]);
      llm.handleLLMEnd(result("m", { input_tokens: 2, output_tokens: 3, total_tokens: 5 }));
      chain.handleChainEnd({});
    });
    expect(cb).toBe(inside);
    expect(cb.usageMetadata).toStrictEqual({ m: { input_tokens: 2, output_tokens: 3, total_tokens: 5 } });
    // Outside the scope, configure no longer adds it.
    expect(CallbackManager.configure(undefined, undefined, { bus }).handlers).not.toContain(cb);
  });

  test("concurrent scopes never mix; a scope inside another feeds both", async () => {
    const bus = new CallbackBus();
    const work = async (model: string, tokens: number) => {
      for (let i = 0; i < 5; i++) {
        await tick();
        finishLLM(CallbackManager.configure([], [], { bus }), result(model, { input_tokens: tokens, output_tokens: 0, total_tokens: tokens }));
      }
    };
    let inner: UsageMetadataCallbackHandler | undefined;
    const [a, b] = await Promise.all([
      getUsageMetadataCallback(() => work("a", 1)),
      getUsageMetadataCallback(async () => {
        await work("b", 10);
        inner = await getUsageMetadataCallback(() => work("c", 100));
      }),
    ]);
    expect(a.usageMetadata).toStrictEqual({ a: { input_tokens: 5, output_tokens: 0, total_tokens: 5 } });
    expect(b.usageMetadata).toStrictEqual({
      b: { input_tokens: 50, output_tokens: 0, total_tokens: 50 },
      c: { input_tokens: 500, output_tokens: 0, total_tokens: 500 },
    });
    expect(inner!.usageMetadata).toStrictEqual({ c: { input_tokens: 500, output_tokens: 0, total_tokens: 500 } });
  });

  test("the scope is released when fn throws, and the error reaches the caller", async () => {
    let held: UsageMetadataCallbackHandler | undefined;
    await expect(
      getUsageMetadataCallback((h) => {
        held = h;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(CallbackManager.configure(undefined, undefined, { bus: new CallbackBus() }).handlers).not.toContain(held);
    await expect(getUsageMetadataCallback(undefined as never)).rejects.toThrow(/needs a function, got undefined/);
  });
});
