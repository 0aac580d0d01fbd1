/**
 * The OpenTelemetry GenAI semantic conventions (`gen_ai.*`, status Development): model calls
 * `chat {model}` / `text_completion {model}` (CLIENT), tools `execute_tool {name}`, retrievers
 * `retrieval {name}`, a root chain `invoke_workflow {name}`, inner chains named after the run.
 */
import { SpanKind, type Attributes } from "@opentelemetry/api";
import { defined, type Convention, type FirstChunkMark, type SpanPlan } from "./convention.js";
import { inputMessages, outputMessages, promptMessages, retrievalDocuments } from "./genai-messages.js";
import { conversationIdOf, textOrJson, toolOutputText } from "./read-langchain.js";
import type { ModelRequest, ModelResponse, RunEnd, RunStart } from "./runs.js";

/** LangChain's `ls_provider` values whose GenAI name differs; others pass through as given. */
const PROVIDERS: Readonly<Record<string, string>> = {
  azure: "azure.ai.openai",
  azure_openai: "azure.ai.openai",
  azure_ai: "azure.ai.inference",
  bedrock: "aws.bedrock",
  amazon_bedrock: "aws.bedrock",
  google_vertexai: "gcp.vertex_ai",
  google_genai: "gcp.gen_ai",
  mistral: "mistral_ai",
  mistralai: "mistral_ai",
  xai: "x_ai",
  ibm: "ibm.watsonx.ai",
};

/** `gen_ai.provider.name` for LangChain's `ls_provider`. */
export function genAiProvider(lsProvider: string | undefined): string | undefined {
  return lsProvider === undefined ? undefined : (PROVIDERS[lsProvider.toLowerCase()] ?? lsProvider);
}

/** `gen_ai.operation.name` of a model run. */
export const operationOf = (kind: "chat" | "llm"): string => (kind === "chat" ? "chat" : "text_completion");

function requestAttributes(request: ModelRequest, into: Attributes): Attributes {
  return defined(
    {
    "gen_ai.provider.name": genAiProvider(request.provider),
    "gen_ai.request.model": request.model,
    "gen_ai.request.temperature": request.temperature,
    "gen_ai.request.max_tokens": request.maxTokens,
    "gen_ai.request.top_p": request.topP,
    "gen_ai.request.top_k": request.topK,
    "gen_ai.request.frequency_penalty": request.frequencyPenalty,
    "gen_ai.request.presence_penalty": request.presencePenalty,
    "gen_ai.request.seed": request.seed,
    "gen_ai.request.choice.count": request.choiceCount !== 1 ? request.choiceCount : undefined,
    "gen_ai.request.stop_sequences": request.stopSequences,
    // Set only when streaming: unset means a non-streaming request.
    "gen_ai.request.stream": request.stream ? true : undefined,
    },
    into,
  );
}

/** Response attributes of a model run. */
function responseAttributes(response: ModelResponse, into: Attributes): Attributes {
  return defined(
    {
    "gen_ai.response.model": response.model,
    "gen_ai.response.id": response.id,
    "gen_ai.response.finish_reasons": response.finishReasons.length > 0 ? response.finishReasons : undefined,
    "gen_ai.usage.input_tokens": response.usage?.input,
    "gen_ai.usage.output_tokens": response.usage?.output,
    "gen_ai.usage.cache_read.input_tokens": response.usage?.cacheRead,
    "gen_ai.usage.cache_creation.input_tokens": response.usage?.cacheCreation,
    "gen_ai.usage.reasoning.output_tokens": response.usage?.reasoning,
    },
    into,
  );
}

export const genAiConvention: Convention = {
  start(run: RunStart, content: boolean): SpanPlan {
    const conversation = conversationIdOf(run.metadata);
    switch (run.kind) {
      case "chat":
      case "llm": {
        const operation = operationOf(run.kind);
        const messages = content ? (run.kind === "chat" ? inputMessages(run.messages) : promptMessages(run.prompts)) : undefined;
        return {
          name: `${operation} ${run.request.model ?? run.name}`,
          kind: SpanKind.CLIENT,
          attributes: requestAttributes(
            run.request,
            defined({
              "gen_ai.operation.name": operation,
              "gen_ai.conversation.id": conversation,
              "gen_ai.input.messages": messages && textOrJson(messages),
            }),
          ),
        };
      }
      case "tool":
        return {
          name: `execute_tool ${run.name}`,
          kind: SpanKind.INTERNAL,
          attributes: defined({
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": run.name,
            "gen_ai.tool.type": "function",
            "gen_ai.tool.call.id": run.toolCallId,
            "gen_ai.conversation.id": conversation,
            "gen_ai.tool.call.arguments": content ? textOrJson(run.input) : undefined,
          }),
        };
      case "retriever":
        return {
          name: `retrieval ${run.name}`,
          kind: SpanKind.INTERNAL,
          attributes: defined({
            "gen_ai.operation.name": "retrieval",
            "gen_ai.conversation.id": conversation,
            "gen_ai.retrieval.query.text": content ? run.query : undefined,
          }),
        };
      case "chain":
        if (!run.root) return { name: run.name, kind: SpanKind.INTERNAL, attributes: {} };
        return {
          name: `invoke_workflow ${run.name}`,
          kind: SpanKind.INTERNAL,
          attributes: defined({
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": run.name,
            "gen_ai.conversation.id": conversation,
          }),
        };
    }
  },

  end(run: RunEnd, content: boolean): Attributes {
    switch (run.kind) {
      case "chat":
      case "llm":
        return responseAttributes(run.response, content ? { "gen_ai.output.messages": textOrJson(outputMessages(run.output)) } : {});
      case "tool":
        return content ? { "gen_ai.tool.call.result": toolOutputText(run.output) } : {};
      case "retriever":
        return content ? { "gen_ai.retrieval.documents": textOrJson(retrievalDocuments(run.documents)) } : {};
      case "chain":
        return {};
    }
  },

  firstChunk(seconds: number): FirstChunkMark {
    return { attributes: { "gen_ai.request.stream": true, "gen_ai.response.time_to_first_chunk": seconds } };
  },
};
