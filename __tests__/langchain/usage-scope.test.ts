/**
 * `getUsageMetadataCallback` counts LangChain.js chat models invoked inside it, through
 * LangChain.js's own configure hooks, as it counts callbus's runs; callbus loads
 * `@langchain/core/context` only because the application has `@langchain/core`.
 */
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { RunnableLambda } from "@langchain/core/runnables";
import { CallbackBus, CallbackManager, getUsageMetadataCallback } from "callbus";

/** A real LangChain.js chat model that reports usage, as a provider's would. */
class UsageChatModel extends BaseChatModel {
  constructor(private readonly model: string, private readonly tokens: number) {
    super({});
  }
  _llmType(): string {
    return "usage-fake";
  }
  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    const message = new AIMessage({
      content: "ok",
      usage_metadata: { input_tokens: this.tokens, output_tokens: 1, total_tokens: this.tokens + 1 },
      response_metadata: { model_name: this.model },
    });
    return { generations: [{ text: "ok", message }] };
  }
}

describe("getUsageMetadataCallback with LangChain.js models", () => {
  test("a model invoked inside the scope is counted, with no callbacks passed; outside it is not", async () => {
    const model = new UsageChatModel("fake-1", 3);
    const usage = await getUsageMetadataCallback(async () => {
      await model.invoke("hi");
      await RunnableLambda.from((text: string) => model.invoke(text)).invoke("nested in a chain");
    });
    await model.invoke("after the scope");
    expect(usage.usageMetadata).toStrictEqual({ "fake-1": { input_tokens: 6, output_tokens: 2, total_tokens: 8 } });
  });

  test("concurrent scopes never mix; a scope inside another feeds both", async () => {
    let inner: Awaited<ReturnType<typeof getUsageMetadataCallback>> | undefined;
    const [a, b] = await Promise.all([
      getUsageMetadataCallback(() => new UsageChatModel("a", 1).invoke("x")),
      getUsageMetadataCallback(async () => {
        await new UsageChatModel("b", 10).invoke("x");
        inner = await getUsageMetadataCallback(() => new UsageChatModel("c", 100).invoke("x"));
      }),
    ]);
    expect(Object.keys(a.usageMetadata)).toEqual(["a"]);
    expect(b.usageMetadata).toStrictEqual({
      b: { input_tokens: 10, output_tokens: 1, total_tokens: 11 },
      c: { input_tokens: 100, output_tokens: 1, total_tokens: 101 },
    });
    expect(Object.keys(inner!.usageMetadata)).toEqual(["c"]);
  });

  test("a model run that reaches the handler by callbus and by LangChain.js both is counted once", async () => {
    const bus = new CallbackBus();
    const model = new UsageChatModel("once", 5);
    const usage = await getUsageMetadataCallback(async () => {
      const run = CallbackManager.configure([], undefined, { bus }).handleChainStart({ name: "request" }, {});
      await model.invoke("via a callbus manager", { callbacks: [run.getChild().asLangChainHandler()] });
      run.handleChainEnd({});
      await bus.flush();
    });
    expect(usage.usageMetadata).toStrictEqual({ once: { input_tokens: 5, output_tokens: 1, total_tokens: 6 } });
  });
});
