/**
 * A convention turns runs into span names, kinds and attributes. The handler owns the spans
 * (parents, start, end, errors); a convention only says what to write on them, so GenAI and
 * OpenInference differ in one object each.
 */
import type { Attributes, SpanKind } from "@opentelemetry/api";
import type { RunEnd, RunStart } from "./runs.js";

/** How a run's span opens. */
export interface SpanPlan {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
}

/** What to mark when a streaming model run's first chunk arrives. */
export interface FirstChunkMark {
  attributes?: Attributes;
  /** A span event to add, by name. */
  event?: string;
}

export interface Convention {
  /** The span of a run that starts; `content` says whether messages, inputs and outputs may be recorded. */
  start(run: RunStart, content: boolean): SpanPlan;
  /** Attributes of a run that ended well. */
  end(run: RunEnd, content: boolean): Attributes;
  /** A streaming model run's first chunk, `seconds` after its start. */
  firstChunk(seconds: number): FirstChunkMark;
}

/** The conventions a handler can follow. */
export type ConventionName = "genai" | "openinference";

/**
 * Copies the attributes whose value is defined into `into` (a new object by default) and returns
 * it. Writing into one object, rather than spreading partial ones together, keeps span
 * attributes cheap to build: object spread of a non-literal is a slow path in V8.
 */
export function defined(attributes: Record<string, Attributes[string]>, into: Attributes = {}): Attributes {
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) into[key] = value;
  }
  return into;
}
