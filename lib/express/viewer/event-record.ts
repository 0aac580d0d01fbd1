/**
 * One event as the viewer keeps it: when it happened, which run, and the payload's own fields
 * as a plain redacted copy. Start events keep the run's tags and metadata, model ends their
 * token usage; a streamed token keeps only its text, since a trace may hold thousands.
 */
import type { CallbackEventName, RunEvent } from "../../index.js";
import { jsonCopy, type RedactedKeys } from "../json-copy.js";
import { phaseOf } from "./phases.js";
import type { TokenUsage } from "./types.js";

export interface EventRecord {
  /** The run log's id, when read from a log. */
  id?: string;
  event: CallbackEventName;
  time: number;
  runId: string;
  parentRunId?: string;
  /** Start events only: the run name (given, else from `serialized`). */
  name?: string;
  /** Start events only. */
  tags?: string[];
  /** Start events only. */
  metadata?: Record<string, unknown>;
  data: Record<string, unknown>;
  /** Model ends only: the tokens the model reported. */
  usage?: TokenUsage;
}

/** Fields every payload has; a record keeps them apart from the event's own. */
const RUN_FIELDS = new Set(["runId", "parentRunId", "tags", "metadata", "serialized"]);

/** Makes the record of one event heard at `time` (or read from a log with `id`). */
export function recordEvent(event: CallbackEventName, payload: RunEvent, time: number, redact: RedactedKeys, id?: string): EventRecord {
  const record: EventRecord = { event, time, runId: payload.runId, data: ownFields(event, payload, redact) };
  if (id !== undefined) record.id = id;
  if (typeof payload.parentRunId === "string" && payload.parentRunId !== "") record.parentRunId = payload.parentRunId;
  if (phaseOf(event) === "start") {
    record.name = runName(payload as RunEvent & { name?: unknown; serialized?: { name?: unknown; id?: unknown } });
    record.tags = Array.isArray(payload.tags) ? payload.tags.filter((tag): tag is string => typeof tag === "string") : [];
    const metadata = jsonCopy(payload.metadata ?? {}, redact);
    record.metadata = metadata !== null && typeof metadata === "object" && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  }
  if (event === "llmEnd") {
    const usage = usageOf((payload as { output?: unknown }).output);
    if (usage !== undefined) record.usage = usage;
  }
  return record;
}

/** The given name, else `serialized.name`, else the last item of `serialized.id`. */
function runName(payload: { name?: unknown; serialized?: { name?: unknown; id?: unknown } }): string {
  if (typeof payload.name === "string" && payload.name !== "") return payload.name;
  const serialized = payload.serialized;
  if (typeof serialized?.name === "string" && serialized.name !== "") return serialized.name;
  const id = serialized?.id;
  if (Array.isArray(id) && typeof id[id.length - 1] === "string") return id[id.length - 1] as string;
  return "<unnamed>";
}

function ownFields(event: CallbackEventName, payload: RunEvent, redact: RedactedKeys): Record<string, unknown> {
  if (event === "llmNewToken") {
    const { token } = payload as { token?: unknown };
    return { token: typeof token === "string" ? token : String(token) };
  }
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(payload)) {
    if (RUN_FIELDS.has(key)) continue;
    const value = jsonCopy((payload as unknown as Record<string, unknown>)[key], redact);
    if (value !== undefined) data[key] = value;
  }
  return data;
}

/**
 * The usage an LLM result reports: the first generation's `usage_metadata` (as LangChain's
 * usage callback reads it), else the provider's `llmOutput.tokenUsage`.
 */
export function usageOf(output: unknown): TokenUsage | undefined {
  const result = output as { generations?: { message?: { usage_metadata?: Partial<TokenUsage> } }[][]; llmOutput?: Record<string, unknown> } | undefined;
  const fromMessage = result?.generations?.[0]?.[0]?.message?.usage_metadata;
  if (fromMessage !== undefined && fromMessage !== null) {
    const input = count(fromMessage.input_tokens);
    const output = count(fromMessage.output_tokens);
    return { input_tokens: input, output_tokens: output, total_tokens: count(fromMessage.total_tokens, input + output) };
  }
  const tokenUsage = (result?.llmOutput?.tokenUsage ?? result?.llmOutput?.estimatedTokenUsage) as
    | { promptTokens?: unknown; completionTokens?: unknown; totalTokens?: unknown }
    | undefined;
  if (tokenUsage !== undefined && tokenUsage !== null && typeof tokenUsage === "object") {
    const input = count(tokenUsage.promptTokens);
    const output = count(tokenUsage.completionTokens);
    return { input_tokens: input, output_tokens: output, total_tokens: count(tokenUsage.totalTokens, input + output) };
  }
  return undefined;
}

function count(value: unknown, fallback = 0): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Adds `more` into `total` (either may be missing). */
export function addUsage(total: TokenUsage | undefined, more: TokenUsage | undefined): TokenUsage | undefined {
  if (more === undefined) return total;
  if (total === undefined) return { ...more };
  return {
    input_tokens: total.input_tokens + more.input_tokens,
    output_tokens: total.output_tokens + more.output_tokens,
    total_tokens: total.total_tokens + more.total_tokens,
  };
}
