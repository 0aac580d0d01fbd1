/** `UsageMetadataCallbackHandler`: token usage per model, summed as LangChain's `add_usage` sums it. */
import { BaseCallbackHandler } from "../lib/handler.js";
import type { LLMResult, UsageMetadata } from "../lib/shapes.js";

type Counts = Record<string, unknown>;

/**
 * Sets `key` as an own property even when it is `__proto__`: keys that come from data (model
 * names, usage fields) must never reach the prototype, or their counts would vanish from
 * `Object.keys` and JSON.
 */
function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Python's `add_usage`: every key present on either side is summed (a missing side counts as
 * 0), nested detail objects the same way; keys absent from both stay absent. Neither input is
 * changed.
 */
export function addUsage(left: UsageMetadata | undefined, right: UsageMetadata | undefined): UsageMetadata {
  if (left === undefined && right === undefined) return { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  if (left === undefined) return sumCounts({}, right as unknown as Counts, 0) as unknown as UsageMetadata;
  return sumCounts(left as unknown as Counts, (right ?? {}) as unknown as Counts, 0) as unknown as UsageMetadata;
}

function sumCounts(left: Counts, right: Counts, depth: number): Counts {
  if (depth > 100) throw new RangeError("callbus: usage metadata is nested more than 100 levels deep");
  const out: Counts = {};
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const a = Object.hasOwn(left, key) ? left[key] : undefined;
    const b = Object.hasOwn(right, key) ? right[key] : undefined;
    if ((a === undefined || typeof a === "number") && (b === undefined || typeof b === "number")) {
      if (a !== undefined || b !== undefined) setOwn(out, key, (a ?? 0) + (b ?? 0));
    } else if ((a === undefined || isCounts(a)) && (b === undefined || isCounts(b))) {
      setOwn(out, key, sumCounts((a ?? {}), (b ?? {}), depth + 1));
    } else {
      throw new TypeError(`callbus: cannot add usage field ${JSON.stringify(key)}: ${typeof a} and ${typeof b} do not add up`);
    }
  }
  return out;
}

function isCounts(value: unknown): value is Counts {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Tracks `usage_metadata` of chat-model results, per model name (LangChain's
 * `UsageMetadataCallbackHandler`). On each llmEnd the first generation's message counts under
 * its `response_metadata.model_name`; a result without usage or without a model name is skipped.
 *
 * @example
 * ```ts
 * const usage = new UsageMetadataCallbackHandler();
 * // ... run chat models with `callbacks: [usage]` ...
 * usage.usageMetadata; // { "gpt-4o-mini": { input_tokens: 8, output_tokens: 10, total_tokens: 18 } }
 * ```
 */
export class UsageMetadataCallbackHandler extends BaseCallbackHandler {
  name = "usage_metadata_callback_handler";
  /** Model name -> usage summed over every finished call of that model. */
  usageMetadata: Record<string, UsageMetadata> = {};


  handleLLMEnd(output: LLMResult): void {
    const message = output?.generations?.[0]?.[0]?.message;
    const usage = message?.usage_metadata;
    const model = message?.response_metadata?.model_name;
    // Python skips a result without usage or model name rather than counting it under None.
    if (!isCounts(usage) || typeof model !== "string" || model === "") return;
    const sum = Object.hasOwn(this.usageMetadata, model) ? this.usageMetadata[model] : undefined;
    setOwn(this.usageMetadata, model, addUsage(sum, usage));
  }

  override toString(): string {
    return JSON.stringify(this.usageMetadata);
  }
}
