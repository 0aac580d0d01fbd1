/**
 * Which events start a run and which end it, as the viewer reads them: a start names the run
 * and its kind, an end gives its outputs (or its error), everything else happens during it.
 */
import type { CallbackEventName } from "../../index.js";
import type { RunKind } from "./types.js";

/** Start event -> the kind of run it starts and the field that holds the run's inputs. */
export const STARTS: Readonly<Partial<Record<CallbackEventName, { kind: RunKind; inputs: string }>>> = {
  chainStart: { kind: "chain", inputs: "inputs" },
  llmStart: { kind: "llm", inputs: "prompts" },
  chatModelStart: { kind: "chat_model", inputs: "messages" },
  toolStart: { kind: "tool", inputs: "input" },
  retrieverStart: { kind: "retriever", inputs: "query" },
};

/** End event -> the field that holds the run's outputs, or `null` for an error. */
export const ENDS: Readonly<Partial<Record<CallbackEventName, string | null>>> = {
  chainEnd: "outputs",
  llmEnd: "output",
  toolEnd: "output",
  retrieverEnd: "documents",
  chainError: null,
  llmError: null,
  toolError: null,
  retrieverError: null,
};

export type Phase = "start" | "during" | "end";

/** Where `event` stands in its run's life. */
export function phaseOf(event: string): Phase {
  if (event in STARTS) return "start";
  if (event in ENDS) return "end";
  return "during";
}
