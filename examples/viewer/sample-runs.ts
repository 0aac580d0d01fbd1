/**
 * Sample runs for the run viewer, made by real LangChain.js parts on a callbus bus: an agent
 * that retrieves documents, streams a plan, calls tools and streams its answer; a tool that
 * fails; and the same kinds of runs made directly with callbus's managers.
 */
import { AIMessageChunk, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import { RunnableLambda, type RunnableConfig } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel, FakeRetriever } from "@langchain/core/utils/testing";
import { Document } from "@langchain/core/documents";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { z } from "zod";
import { CallbackManager, type CallbackBus } from "callbus";

/** A fake chat model that streams its reply a character at a time and then reports token usage. */
export class CountingChatModel extends FakeListChatModel {
  override async *_streamResponseChunks(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    let output = 0;
    for await (const chunk of super._streamResponseChunks(messages, options, runManager)) {
      output++;
      yield chunk;
    }
    const input = messages.reduce((sum, message) => sum + String(message.content).split(/\s+/).length, 0);
    yield new ChatGenerationChunk({
      text: "",
      message: new AIMessageChunk({ content: "", usage_metadata: { input_tokens: input, output_tokens: output, total_tokens: input + output } }),
    });
  }
}

const weather = tool(async ({ city }: { city: string }) => `It is 18°C and sunny in ${city}.`, {
  name: "get_weather",
  description: "The current weather in a city",
  schema: z.object({ city: z.string() }),
});

const bookTable = tool(
  async ({ restaurant }: { restaurant: string }): Promise<string> => {
    throw new Error(`${restaurant} is fully booked tonight`);
  },
  { name: "book_table", description: "Books a table at a restaurant", schema: z.object({ restaurant: z.string() }) },
);

const guides = new FakeRetriever({
  output: [
    new Document({ pageContent: "Paris in spring: mild days, bring a light jacket.", metadata: { source: "guide.md" } }),
    new Document({ pageContent: "The Louvre opens at 9:00 and is closed on Tuesdays.", metadata: { source: "museums.md" } }),
  ],
});

/** Options of the sample runs. */
export interface SampleRunOptions {
  /** Milliseconds between streamed characters. Default 15. */
  tokenDelayMs?: number;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

/**
 * An agent run: a retriever, a streamed plan (with a custom event), a tool call, and a
 * streamed answer, all under one root chain named `travel-agent`.
 */
export async function runAgent(bus: CallbackBus, question: string, options: SampleRunOptions = {}): Promise<string> {
  const sleep = options.tokenDelayMs ?? 15;
  const planner = new CountingChatModel({ responses: ["I will check the guides, then the weather."], sleep, emitCustomEvent: true });
  const writer = new CountingChatModel({ responses: [`Paris will be sunny: pack light. ${question.length > 40 ? "" : "Enjoy!"}`], sleep });
  const agent = RunnableLambda.from(async (input: { question: string }, config?: RunnableConfig) => {
    const docs = await guides.invoke(input.question, config);
    const plan = await planner.invoke([new HumanMessage(input.question)], config);
    const forecast = await weather.invoke({ city: "Paris" }, config);
    const answer = await writer.invoke(
      [new HumanMessage(`${input.question}\n${docs.map((doc) => doc.pageContent).join("\n")}\n${String(plan.content)}\n${forecast}`)],
      config,
    );
    return { answer: String(answer.content) };
  }).withConfig({ runName: "travel-agent" });
  const result = await agent.invoke(
    { question },
    { callbacks: [bus.asLangChainHandler({ preferStreaming: true })], tags: options.tags ?? ["agent"], metadata: options.metadata ?? {} },
  );
  return result.answer;
}

/** A run that fails: a tool throws, and the error reaches the root chain. Resolves to the error. */
export async function runFailingBooking(bus: CallbackBus, options: SampleRunOptions = {}): Promise<Error> {
  const booking = RunnableLambda.from(async (input: { restaurant: string }, config?: RunnableConfig) => bookTable.invoke(input, config)).withConfig({ runName: "booking" });
  try {
    await booking.invoke(
      { restaurant: "Chez Janou" },
      { callbacks: [bus.asLangChainHandler()], tags: options.tags ?? ["booking"], metadata: options.metadata ?? {} },
    );
  } catch (error) {
    return error as Error;
  }
  throw new Error("the booking was expected to fail");
}

/**
 * A run made with callbus's own managers: a root chain with `children` LLM runs, each
 * streaming `tokens` tokens and sending one custom event. Returns the root run id.
 */
export function runWithManagers(
  bus: CallbackBus,
  shape: { name?: string; children?: number; tokens?: number; tags?: string[]; metadata?: Record<string, unknown>; inputs?: Record<string, unknown> } = {},
): string {
  const manager = new CallbackManager(undefined, { bus });
  const root = manager.handleChainStart({ name: shape.name ?? "batch" }, shape.inputs ?? { items: shape.children ?? 0 }, undefined, undefined, shape.tags ?? [], shape.metadata ?? {});
  for (let i = 0; i < (shape.children ?? 0); i++) {
    const [llm] = root.getChild().handleLLMStart({ name: `summarise-${i}` }, [`item ${i}`]);
    llm.handleCustomEvent("progress", { item: i });
    for (let t = 0; t < (shape.tokens ?? 0); t++) llm.handleLLMNewToken(`t${t} `);
    llm.handleLLMEnd({
      generations: [[{ text: "done", message: { content: "done", usage_metadata: { input_tokens: 3, output_tokens: shape.tokens ?? 0, total_tokens: 3 + (shape.tokens ?? 0) } } }]],
    });
  }
  root.handleChainEnd({ done: true });
  return root.runId;
}
