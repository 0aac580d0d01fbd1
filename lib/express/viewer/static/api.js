// @ts-check
/**
 * The shapes the viewer's API answers with (see `types.ts` on the server) and the requests
 * the page makes. Every URL is relative to the page, so the viewer works wherever it is mounted.
 */

/**
 * @typedef {"running" | "success" | "error"} RunStatus
 * @typedef {"chain" | "llm" | "chat_model" | "tool" | "retriever"} RunKind
 * @typedef {{ input_tokens: number, output_tokens: number, total_tokens: number }} TokenUsage
 * @typedef {{
 *   runId: string, name: string, kind: RunKind, status: RunStatus, startTime: number,
 *   endTime?: number, tags: string[], metadata: Record<string, unknown>, usage?: TokenUsage
 * }} RunSummary
 * @typedef {{ id?: string, event: string, time: number, data: Record<string, unknown> }} ViewerEvent
 * @typedef {RunSummary & {
 *   parentRunId?: string, runType?: string, inputs?: unknown, outputs?: unknown,
 *   error?: { name: string, message: string }, text?: string, events: ViewerEvent[], children: RunNode[]
 * }} RunNode
 * @typedef {RunNode & { source: "memory" | "log", droppedEvents: number, gaps: number, timesFromOrder?: true }} TraceView
 */

/** Every event name a trace's stream can carry. */
export const STREAM_EVENTS = [
  "llmStart", "chatModelStart", "llmNewToken", "llmEnd", "llmError", "chainStart", "chainEnd", "chainError",
  "toolStart", "toolEnd", "toolError", "retrieverStart", "retrieverEnd", "retrieverError", "agentAction",
  "agentEnd", "text", "retry", "customEvent", "chatModelStreamEvent", "toolEvent", "gap",
];

/**
 * The recent root runs; undefined when they have not changed since `etag`.
 * @param {string | undefined} etag
 * @returns {Promise<{ runs: RunSummary[], etag: string | undefined } | undefined>}
 */
export async function fetchRuns(etag) {
  /** @type {Record<string, string>} */
  const headers = etag === undefined ? {} : { "if-none-match": etag };
  const response = await fetch("api/runs", { headers, cache: "no-store" });
  if (response.status === 304) return undefined;
  if (!response.ok) throw new Error(await problem(response));
  return { runs: await response.json(), etag: response.headers.get("etag") ?? undefined };
}

/**
 * A trace as a tree; undefined when the server no longer knows the run.
 * @param {string} runId
 * @returns {Promise<TraceView | undefined>}
 */
export async function fetchTrace(runId) {
  const response = await fetch(traceUrl(runId), { cache: "no-store" });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(await problem(response));
  return response.json();
}

/** @param {string} runId */
export function traceUrl(runId) {
  return `api/runs/${encodeURIComponent(runId)}`;
}

/** @param {string} runId */
export function eventsUrl(runId) {
  return `${traceUrl(runId)}/events`;
}

/**
 * The `{ error }` message of a failed answer.
 * @param {Response} response
 */
async function problem(response) {
  try {
    const body = await response.json();
    if (typeof body?.error === "string") return body.error;
  } catch {
    // not JSON: fall through to the status
  }
  return `the server answered ${response.status}`;
}
