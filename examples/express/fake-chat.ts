/**
 * A small chain for the Express example: a "chat" chain that calls a fake streaming chat
 * model, which answers with a fixed reply one token at a time, through callbus's managers.
 */
import type { CallbackManager } from "callbus";

/** The reply of the fake model to `message`, as the tokens it streams. */
export function replyTokens(message: string): string[] {
  const words = `You said: ${message}. Streaming works!`.split(" ");
  return words.map((word, i) => (i === 0 ? word : ` ${word}`));
}

/**
 * Runs the chat chain as run `runId` on `callbacks` (the request's manager), streaming one
 * token every `tokenDelayMs`. Resolves to the full reply.
 */
export async function runChat(callbacks: CallbackManager, runId: string, message: string, tokenDelayMs: number): Promise<string> {
  const chain = callbacks.handleChainStart({ name: "chat", id: ["examples", "chat"] }, { message }, runId);
  try {
    const [model] = chain.getChild().handleChatModelStart({ name: "FakeStreamingChatModel" }, [[{ role: "user", content: message }]]);
    let reply = "";
    for (const token of replyTokens(message)) {
      await new Promise((resolve) => setTimeout(resolve, tokenDelayMs));
      reply += token;
      model.handleLLMNewToken(token);
    }
    model.handleLLMEnd({ generations: [[{ text: reply }]] });
    chain.handleChainEnd({ reply });
    return reply;
  } catch (error) {
    if (!chain.isEnded) chain.handleChainError(error);
    throw error;
  }
}
