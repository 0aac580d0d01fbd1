/**
 * LangChain messages and generations in the GenAI conventions' message shape
 * (`{ role, parts: [{ type: "text", content } | { type: "tool_call", ... } | ...], finish_reason? }`),
 * for `gen_ai.input.messages` and `gen_ai.output.messages`.
 */
import type { DocumentLike, GenerationLike, LLMResult, MessageLike } from "../index.js";
import { finishReasonOf, isRecord, roleOf, textOf, toolCallIdOf, toolCallsOf } from "./read-langchain.js";

type Part =
  | { type: "text"; content: string }
  | { type: "tool_call"; id?: string; name: string; arguments: unknown }
  | { type: "tool_call_response"; id?: string; response: unknown }
  | { type: string };

export interface GenAiMessage {
  role: string;
  parts: Part[];
  name?: string;
  finish_reason?: string;
}

function partsOf(message: MessageLike): Part[] {
  const role = roleOf(message);
  if (role === "tool") return [{ type: "tool_call_response", id: toolCallIdOf(message), response: textOf(message.content) }];
  const parts: Part[] = [];
  if (typeof message.content === "string") {
    if (message.content !== "") parts.push({ type: "text", content: message.content });
  } else if (Array.isArray(message.content)) {
    for (const block of message.content) {
      if (typeof block === "string") parts.push({ type: "text", content: block });
      else if (isRecord(block) && block.type === "text" && typeof block.text === "string") parts.push({ type: "text", content: block.text });
      // Images, audio and files are named by type only: their data can be megabytes.
      else if (isRecord(block) && typeof block.type === "string" && block.type !== "tool_use") parts.push({ type: block.type });
    }
  }
  for (const call of toolCallsOf(message)) parts.push({ type: "tool_call", id: call.id, name: call.name, arguments: call.args });
  return parts;
}

/** A chat model's input messages. */
export function inputMessages(messages: readonly MessageLike[]): GenAiMessage[] {
  return messages.map((message) => {
    const out: GenAiMessage = { role: roleOf(message), parts: partsOf(message) };
    if (typeof message.name === "string" && message.name !== "") out.name = message.name;
    return out;
  });
}

/** A completion model's prompts, each as a user message. */
export function promptMessages(prompts: readonly string[]): GenAiMessage[] {
  return prompts.map((prompt) => ({ role: "user", parts: [{ type: "text", content: prompt }] }));
}

/** One output message per generation. */
export function outputMessages(output: LLMResult): GenAiMessage[] {
  const generations: GenerationLike[] = Array.isArray(output?.generations) ? output.generations.flat() : [];
  return generations.map((generation) => {
    const parts = generation.message !== undefined ? partsOf(generation.message) : [];
    if (parts.length === 0 && typeof generation.text === "string" && generation.text !== "") parts.push({ type: "text", content: generation.text });
    return { role: "assistant", parts, finish_reason: finishReasonOf(generation) ?? "stop" };
  });
}

/** Retrieved documents as `gen_ai.retrieval.documents` lists them. */
export function retrievalDocuments(documents: readonly DocumentLike[]): { id: string; score?: number; content: string }[] {
  return documents.map((doc, i) => {
    const score = doc.metadata?.score ?? doc.metadata?.relevance_score;
    const metaId = doc.metadata?.id;
    const id = typeof doc.id === "string" && doc.id !== "" ? doc.id : typeof metaId === "string" || typeof metaId === "number" ? String(metaId) : String(i);
    return typeof score === "number" ? { id, score, content: doc.pageContent } : { id, content: doc.pageContent };
  });
}
