/**
 * Reading what LangChain.js really sends: model and provider from `metadata.ls_*`, request
 * parameters from `extraParams.invocation_params` (snake_case or camelCase, as each integration
 * spells them), usage from the generation's `message.usage_metadata` or `llmOutput.tokenUsage`,
 * finish reasons from `generationInfo` or `response_metadata`.
 */
import type { GenerationLike, LLMResult, MessageLike, Serialized } from "../index.js";
import type { ModelRequest, ModelResponse, TokenUsage } from "./runs.js";

type Meta = Record<string, unknown>;

export function isRecord(value: unknown): value is Meta {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/**
 * Where each value may be, in the spellings LangChain.js integrations use (snake_case from the
 * provider APIs, camelCase from LangChain.js fields). Kept here once, not rebuilt per call.
 */
const KEYS = {
  conversation: ["thread_id", "session_id", "conversation_id"],
  requestModel: ["model", "model_name", "modelName", "model_id", "modelId"],
  temperature: ["temperature"],
  maxTokens: ["max_tokens", "maxTokens", "max_completion_tokens", "maxOutputTokens", "max_output_tokens", "num_predict"],
  topP: ["top_p", "topP"],
  topK: ["top_k", "topK"],
  frequencyPenalty: ["frequency_penalty", "frequencyPenalty"],
  presencePenalty: ["presence_penalty", "presencePenalty"],
  seed: ["seed"],
  choiceCount: ["n", "candidateCount"],
  stopSequences: ["stop", "stop_sequences", "stopSequences"],
  responseModel: ["model_name", "model", "modelId", "model_id"],
  responseId: ["id", "response_id"],
  generationFinishReason: ["finish_reason", "finishReason", "stop_reason"],
  messageFinishReason: ["finish_reason", "finishReason", "stop_reason", "stopReason"],
} as const satisfies Record<string, readonly string[]>;

/** The first of `keys` that `source` holds as a usable value of the wanted type. */
function first<T>(source: Meta | undefined, keys: readonly string[], read: (value: unknown) => T | undefined): T | undefined {
  if (source === undefined) return undefined;
  for (const key of keys) {
    const value = read(source[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function strings(value: unknown): string[] | undefined {
  if (typeof value === "string" && value !== "") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v): v is string => typeof v === "string")) return value;
  return undefined;
}

/** The run name callbus and LangChain show: the given one, else `serialized.name`, else the last id item. */
export function runNameOf(runName: string | undefined, serialized: Serialized | undefined, fallback: string): string {
  return str(runName) ?? str(serialized?.name) ?? str(serialized?.id?.[serialized.id.length - 1]) ?? fallback;
}

/** The conversation a run belongs to: LangGraph's `thread_id`, or a `session_id` / `conversation_id`. */
export function conversationIdOf(metadata: Meta): string | undefined {
  return first(metadata, KEYS.conversation, str);
}

/** The request of a model run, from its start's `extraParams` and `metadata`. */
export function readModelRequest(extraParams: Meta | undefined, metadata: Meta): ModelRequest {
  const params = isRecord(extraParams?.invocation_params) ? extraParams.invocation_params : undefined;
  return {
    model: str(metadata.ls_model_name) ?? first(params, KEYS.requestModel, str),
    provider: str(metadata.ls_provider),
    temperature: first(params, KEYS.temperature, num) ?? num(metadata.ls_temperature),
    maxTokens: first(params, KEYS.maxTokens, num) ?? num(metadata.ls_max_tokens),
    topP: first(params, KEYS.topP, num),
    topK: first(params, KEYS.topK, num),
    frequencyPenalty: first(params, KEYS.frequencyPenalty, num),
    presencePenalty: first(params, KEYS.presencePenalty, num),
    seed: first(params, KEYS.seed, num),
    choiceCount: first(params, KEYS.choiceCount, num),
    stopSequences: first(params, KEYS.stopSequences, strings) ?? strings(metadata.ls_stop),
    stream: params?.stream === true || params?.streaming === true,
    invocationParams: params,
  };
}

/** Model, id, finish reasons and token usage of a model run's result. */
export function readModelResponse(output: LLMResult | undefined): ModelResponse {
  const generations = Array.isArray(output?.generations) ? output.generations.flat() : [];
  const response: ModelResponse = { finishReasons: [] };
  let usage: TokenUsage | undefined;
  for (const generation of generations) {
    if (!isRecord(generation)) continue;
    const meta = isRecord(generation.message?.response_metadata) ? generation.message.response_metadata : undefined;
    response.model ??= first(meta, KEYS.responseModel, str);
    response.id ??= first(meta, KEYS.responseId, str);
    const reason = finishReasonOf(generation);
    if (reason !== undefined) response.finishReasons.push(reason);
    const counted = usageOfMessage(generation.message);
    if (counted !== undefined) usage = usage === undefined ? counted : addUsage(usage, counted);
  }
  response.usage = usage ?? usageOfLlmOutput(output?.llmOutput);
  return response;
}

/** Why a generation stopped, as its provider said it (`stop`, `length`, `tool_calls`, `end_turn`, ...). */
export function finishReasonOf(generation: GenerationLike): string | undefined {
  const info = isRecord(generation.generationInfo) ? generation.generationInfo : undefined;
  const meta = isRecord(generation.message?.response_metadata) ? generation.message.response_metadata : undefined;
  return first(info, KEYS.generationFinishReason, str) ?? first(meta, KEYS.messageFinishReason, str);
}

function usageOfMessage(message: MessageLike | undefined): TokenUsage | undefined {
  const usage: unknown = message?.usage_metadata;
  if (!isRecord(usage)) return undefined;
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const inputDetails = isRecord(usage.input_token_details) ? usage.input_token_details : undefined;
  const outputDetails = isRecord(usage.output_token_details) ? usage.output_token_details : undefined;
  return {
    input: input ?? 0,
    output: output ?? 0,
    total: num(usage.total_tokens) ?? (input ?? 0) + (output ?? 0),
    cacheRead: num(inputDetails?.cache_read),
    cacheCreation: num(inputDetails?.cache_creation),
    reasoning: num(outputDetails?.reasoning),
  };
}

/** `llmOutput.tokenUsage` (`promptTokens`, `completionTokens`, `totalTokens`), else `estimatedTokenUsage`. */
function usageOfLlmOutput(llmOutput: Meta | undefined): TokenUsage | undefined {
  const counts = isRecord(llmOutput?.tokenUsage) ? llmOutput.tokenUsage : isRecord(llmOutput?.estimatedTokenUsage) ? llmOutput.estimatedTokenUsage : undefined;
  const input = num(counts?.promptTokens);
  const output = num(counts?.completionTokens);
  if (input === undefined && output === undefined) return undefined;
  return { input: input ?? 0, output: output ?? 0, total: num(counts?.totalTokens) ?? (input ?? 0) + (output ?? 0) };
}

const plus = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    total: a.total + b.total,
    cacheRead: plus(a.cacheRead, b.cacheRead),
    cacheCreation: plus(a.cacheCreation, b.cacheCreation),
    reasoning: plus(a.reasoning, b.reasoning),
  };
}

// --- Messages ------------------------------------------------------------------------------

/** A tool call an AI message asks for (LangChain's `ToolCall`). */
export interface ToolCallLike {
  id?: string;
  name: string;
  args: unknown;
}

const ROLES: Readonly<Record<string, string>> = {
  human: "user",
  user: "user",
  ai: "assistant",
  assistant: "assistant",
  system: "system",
  developer: "system",
  tool: "tool",
  function: "tool",
};

/** The chat role of a LangChain.js message or a plain `{ role, content }` object. */
export function roleOf(message: MessageLike): string {
  const type = str(message.type) ?? (typeof message.getType === "function" ? str(message.getType()) : undefined);
  // A generic `ChatMessage` carries its own role.
  if (type === "generic" || type === undefined) return ROLES[str(message.role) ?? ""] ?? str(message.role) ?? "user";
  return ROLES[type] ?? type;
}

/** The text of a message's content: the string, or its text blocks joined. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const block of content) {
    if (typeof block === "string") text += block;
    else if (isRecord(block) && block.type === "text" && typeof block.text === "string") text += block.text;
  }
  return text;
}

/** The tool calls of an AI message, if any. */
export function toolCallsOf(message: MessageLike): ToolCallLike[] {
  const calls: unknown = (message as { tool_calls?: unknown }).tool_calls;
  if (!Array.isArray(calls)) return [];
  return calls.filter((c): c is ToolCallLike => isRecord(c) && typeof c.name === "string");
}

/** The id of the call a tool message answers. */
export function toolCallIdOf(message: MessageLike): string | undefined {
  return str((message as { tool_call_id?: unknown }).tool_call_id);
}

/** A tool's output as text: a `ToolMessage`'s content, a string as it is, anything else as JSON. */
export function toolOutputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (isRecord(output) && "content" in output && (typeof output.content === "string" || Array.isArray(output.content))) {
    return typeof output.content === "string" ? output.content : textOrJson(output.content);
  }
  return textOrJson(output);
}

/** A string as it is, anything else as JSON; never throws (a cycle or a BigInt falls back to `String(value)`). */
export function textOrJson(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
