/**
 * The JSON the run viewer's API answers with: summaries of root runs for the list, and a
 * trace as a tree of runs, each with its events. Times are milliseconds since the epoch.
 */
import type { CallbackEventName } from "../../index.js";

/** What started a run: the family of its start event. */
export type RunKind = "chain" | "llm" | "chat_model" | "tool" | "retriever";

/** Where a run stands. */
export type RunStatus = "running" | "success" | "error";

/** Tokens counted by a model run, or summed over a run and everything below it. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

/** One run in `GET /api/runs`. */
export interface RunSummary {
  runId: string;
  name: string;
  kind: RunKind;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  tags: string[];
  metadata: Record<string, unknown>;
  /** Tokens of the whole trace, when any model run reported usage. */
  usage?: TokenUsage;
}

/** One event of a run as the viewer shows it: the payload's own fields, JSON-safe and redacted. */
export interface ViewerEvent {
  /** The run log's id of the event, when it was read from a log. */
  id?: string;
  event: CallbackEventName | "gap";
  time: number;
  data: Record<string, unknown>;
}

/** A run in `GET /api/runs/:runId`, with its events and its child runs. */
export interface RunNode extends RunSummary {
  parentRunId?: string;
  /** LangChain's run type, when the start event named one (e.g. `"prompt"`, `"parser"`). */
  runType?: string;
  /** What the run was given: chain inputs, prompts, messages, tool input or query. */
  inputs?: unknown;
  /** What it returned: chain outputs, the LLM result, the tool output or the documents. */
  outputs?: unknown;
  error?: { name: string; message: string };
  /** The tokens the run streamed, joined. */
  text?: string;
  /** Tokens of this run and every run below it. */
  usage?: TokenUsage;
  events: ViewerEvent[];
  children: RunNode[];
}

/** `GET /api/runs/:runId`: the root of the tree, with what the viewer could not show of it. */
export interface TraceView extends RunNode {
  /** Where the trace was read from: this process's recent runs or the run log. */
  source: "memory" | "log";
  /** Events the viewer did not keep (past its per-trace bound), or that the log no longer had. */
  droppedEvents: number;
  /** Places where the run log no longer had some of the trace's events (trimmed or expired). */
  gaps: number;
  /**
   * Set when the run log's ids carry no time (a log of your own whose ids are not `<ms>-<seq>`
   * as `MemoryRunLog`'s and `RedisRunLog`'s are): the events are then spaced 1 ms apart in their
   * order, so bars show order, not durations.
   */
  timesFromOrder?: true;
}
