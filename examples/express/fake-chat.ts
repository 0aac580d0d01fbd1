/**
 * The chat chain of the Express example, in LangChain.js: a "chat" runnable that invokes a fake
 * chat model (LangChain.js's `FakeListChatModel`, which answers with a fixed reply one character
 * at a time). The bus hears it through `bus.asLangChainHandler({ preferStreaming: true })`:
 * without `preferStreaming`, a model that is `invoke()`d (not `stream()`ed) sends no tokens.
 */
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { RunnableLambda } from "@langchain/core/runnables";
import type { CallbackBus } from "callbus";

/** The fake model's reply to `message`. */
export function replyTo(message: string): string {
  return `You said: ${message}. Streaming works!`;
}

/**
 * Runs the chat chain as run `runId` on `bus`, the model waiting `tokenDelayMs` before each
 * token; `requestId` goes into every event's metadata. Resolves to the full reply.
 */
export async function runChat(bus: CallbackBus, runId: string, requestId: string, message: string, tokenDelayMs: number): Promise<string> {
  const model = new FakeListChatModel({ responses: [replyTo(message)], sleep: tokenDelayMs });
  const chat = RunnableLambda.from(async (text: string, config) => {
    const reply = await model.invoke(text, config);
    return reply.text;
  }).withConfig({ runName: "chat" });
  return chat.invoke(message, { runId, callbacks: [bus.asLangChainHandler({ preferStreaming: true, metadata: { requestId } })] });
}
