/**
 * LangChain's buffer strings: a message list flattened to `Human: hi\nAI: hello`, used when a
 * handler has no `handleChatModelStart` and gets `handleLLMStart` instead.
 */
import type { MessageLike } from "./shapes.js";

const PREFIXES: Readonly<Record<string, string>> = {
  human: "Human",
  user: "Human",
  ai: "AI",
  assistant: "AI",
  system: "System",
  developer: "System",
  function: "Function",
  tool: "Tool",
};

/** The message's type as LangChain.js reports it, or the plain object's `type` / `role`. */
export function messageType(message: MessageLike): string {
  if (typeof message.getType === "function") return message.getType();
  return message.type ?? message.role ?? "generic";
}

/** The text of a message's content: a string, or the text parts of a content array. */
export function messageText(message: MessageLike): string {
  const { content } = message;
  if (typeof content === "string") return content;
  let text = "";
  for (const part of content) {
    if (typeof part === "string") text += part;
    else if (part !== null && typeof part === "object" && (part as { type?: unknown }).type === "text") {
      text += String((part as { text?: unknown }).text ?? "");
    }
  }
  return text;
}

export function getBufferString(messages: readonly MessageLike[], humanPrefix = "Human", aiPrefix = "AI"): string {
  return messages
    .map((m) => {
      const type = messageType(m);
      let prefix = PREFIXES[type] ?? m.role ?? type;
      if (prefix === "Human") prefix = humanPrefix;
      else if (prefix === "AI") prefix = aiPrefix;
      return `${prefix}: ${messageText(m)}`;
    })
    .join("\n");
}
