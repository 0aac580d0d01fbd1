/**
 * OpenInference attributes (Arize Phoenix): `openinference.span.kind`, `input.value` /
 * `output.value`, `llm.*`, `tool.*`, `retrieval.documents.*`. Lists are flattened with
 * zero-based indexes (`llm.input_messages.0.message.role`), as the OpenInference spec asks.
 */
import { SpanKind, type Attributes } from "@opentelemetry/api";
import type { GenerationLike, MessageLike } from "../index.js";
import { defined, type Convention, type FirstChunkMark, type SpanPlan } from "./convention.js";
import { conversationIdOf, finishReasonOf, roleOf, textOf, textOrJson, toolCallIdOf, toolCallsOf, toolOutputText } from "./read-langchain.js";
import type { RunEnd, RunKind, RunStart } from "./runs.js";

const SPAN_KINDS: Readonly<Record<RunKind, string>> = { chat: "LLM", llm: "LLM", chain: "CHAIN", tool: "TOOL", retriever: "RETRIEVER" };

/** Writes `input.value` / `output.value` with their MIME type: text as it is, anything else as JSON. */
function putValue(out: Attributes, prefix: "input" | "output", data: unknown): Attributes {
  const text = typeof data === "string";
  out[`${prefix}.value`] = text ? data : textOrJson(data);
  out[`${prefix}.mime_type`] = text ? "text/plain" : "application/json";
  return out;
}

/** One message, flattened under `prefix` (`llm.input_messages.3`). */
function flattenMessage(out: Attributes, prefix: string, message: MessageLike): void {
  out[`${prefix}.message.role`] = roleOf(message);
  const text = textOf(message.content);
  if (text !== "") out[`${prefix}.message.content`] = text;
  const callId = toolCallIdOf(message);
  if (callId !== undefined) out[`${prefix}.message.tool_call_id`] = callId;
  toolCallsOf(message).forEach((call, j) => {
    const at = `${prefix}.message.tool_calls.${j}.tool_call`;
    if (call.id !== undefined) out[`${at}.id`] = call.id;
    out[`${at}.function.name`] = call.name;
    out[`${at}.function.arguments`] = textOrJson(call.args);
  });
}

function outputMessages(out: Attributes, generations: readonly GenerationLike[]): void {
  generations.forEach((generation, i) => {
    const prefix = `llm.output_messages.${i}`;
    if (generation.message !== undefined) flattenMessage(out, prefix, generation.message);
    else {
      out[`${prefix}.message.role`] = "assistant";
      out[`${prefix}.message.content`] = generation.text;
    }
  });
}

export const openInferenceConvention: Convention = {
  start(run: RunStart, content: boolean): SpanPlan {
    const attributes: Attributes = defined({
      "openinference.span.kind": SPAN_KINDS[run.kind],
      "session.id": conversationIdOf(run.metadata),
      "tag.tags": run.tags.length > 0 ? [...run.tags] : undefined,
      metadata: Object.keys(run.metadata).length > 0 ? textOrJson(run.metadata) : undefined,
    });
    switch (run.kind) {
      case "chat":
      case "llm":
        defined(
          {
            "llm.model_name": run.request.model,
            "llm.provider": run.request.provider,
            "llm.invocation_parameters": run.request.invocationParams && textOrJson(run.request.invocationParams),
          },
          attributes,
        );
        if (content && run.kind === "chat") {
          putValue(attributes, "input", run.messages.map((m) => ({ role: roleOf(m), content: textOf(m.content) })));
          run.messages.forEach((message, i) => flattenMessage(attributes, `llm.input_messages.${i}`, message));
        } else if (content && run.kind === "llm") {
          putValue(attributes, "input", run.prompts.length === 1 ? run.prompts[0] : run.prompts);
          run.prompts.forEach((prompt, i) => (attributes[`llm.prompts.${i}.prompt.text`] = prompt));
        }
        break;
      case "tool":
        defined({ "tool.name": run.name, "tool.id": run.toolCallId }, attributes);
        if (content) putValue(attributes, "input", run.input);
        break;
      case "retriever":
        if (content) putValue(attributes, "input", run.query);
        break;
      case "chain":
        if (content) putValue(attributes, "input", run.inputs);
        break;
    }
    return { name: run.name, kind: run.kind === "chat" || run.kind === "llm" ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes };
  },

  end(run: RunEnd, content: boolean): Attributes {
    switch (run.kind) {
      case "chat":
      case "llm": {
        const usage = run.response.usage;
        const generations = Array.isArray(run.output?.generations) ? run.output.generations.flat() : [];
        const attributes = defined({
          "llm.model_name": run.response.model,
          "llm.finish_reason": generations.length > 0 ? finishReasonOf(generations[0]) : undefined,
          "llm.token_count.prompt": usage?.input,
          "llm.token_count.completion": usage?.output,
          "llm.token_count.total": usage?.total,
          "llm.token_count.prompt_details.cache_read": usage?.cacheRead,
          "llm.token_count.prompt_details.cache_write": usage?.cacheCreation,
          "llm.token_count.completion_details.reasoning": usage?.reasoning,
        });
        if (content) {
          putValue(attributes, "output", generations.length > 0 ? generations[0].text : "");
          outputMessages(attributes, generations);
        }
        return attributes;
      }
      case "tool":
        return content ? putValue({}, "output", toolOutputText(run.output)) : {};
      case "retriever": {
        const attributes: Attributes = {};
        run.documents.forEach((doc, i) => {
          const prefix = `retrieval.documents.${i}.document`;
          if (doc.id !== undefined) attributes[`${prefix}.id`] = doc.id;
          const score = doc.metadata?.score ?? doc.metadata?.relevance_score;
          if (typeof score === "number") attributes[`${prefix}.score`] = score;
          if (content) {
            attributes[`${prefix}.content`] = doc.pageContent;
            attributes[`${prefix}.metadata`] = textOrJson(doc.metadata);
          }
        });
        return attributes;
      }
      case "chain":
        return content ? putValue({}, "output", run.outputs) : {};
    }
  },

  firstChunk(): FirstChunkMark {
    // OpenInference has no attribute for it; its LangChain instrumentation marks the moment with this event.
    return { event: "First Token Stream Event" };
  },
};
