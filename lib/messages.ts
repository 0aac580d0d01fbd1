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
      const partText = (part as { text?: unknown }).text;
      if (typeof partText === "string") text += partText;
    }
  }
  return text;
}

/** LangChain.js shows at most this many characters of a tool call id in a buffer string, then `...`. */
const TOOL_CALL_ID_DISPLAY_LIMIT = 64;

/** What LangChain.js appends to an AI message's line: its tool calls, else its legacy function call, as JSON. */
function toolCallsText(message: MessageLike): string {
  const { tool_calls: calls, additional_kwargs: kwargs } = message as { tool_calls?: unknown; additional_kwargs?: unknown };
  if (Array.isArray(calls) && calls.length > 0) {
    const shown = calls.map((call: unknown) => {
      const id = (call as { id?: unknown } | null)?.id;
      return typeof id === "string" && id.length > TOOL_CALL_ID_DISPLAY_LIMIT ? { ...(call as object), id: `${id.slice(0, TOOL_CALL_ID_DISPLAY_LIMIT)}...` } : call;
    });
    return JSON.stringify(shown);
  }
  if (kwargs !== null && typeof kwargs === "object" && "function_call" in kwargs) return JSON.stringify(kwargs.function_call) ?? "";
  return "";
}

/**
 * The buffer string of a message list, one `Prefix: text` line per message; an AI message's
 * line ends with its tool calls as JSON, as LangChain.js writes it.
 */
export function getBufferString(messages: readonly MessageLike[], humanPrefix = "Human", aiPrefix = "AI"): string {
  return messages
    .map((m) => {
      const type = messageType(m);
      let prefix = PREFIXES[type] ?? m.role ?? type;
      if (prefix === "Human") prefix = humanPrefix;
      else if (prefix === "AI") return `${aiPrefix}: ${messageText(m)}${toolCallsText(m)}`;
      return `${prefix}: ${messageText(m)}`;
    })
    .join("\n");
}
