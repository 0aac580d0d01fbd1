/**
 * `viewer()`: the run viewer, an Express router (any `(req, res, next)` middleware stack can
 * mount it) that serves the page, the recent root runs, a trace as a tree, and a trace's
 * events live through `sse()`. It is only on where the user mounts it.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { defaultBus, type AnyListener, type CallbackBus, type RunLog } from "../../index.js";
import { sendError } from "../respond.js";
import { MAX_RUN_ID_LENGTH, sse, type SseOptions } from "../sse.js";
import { redactedKeys } from "../json-copy.js";
import { readLoggedTrace } from "./log-traces.js";
import { RunIndex } from "./run-index.js";
import { staticDir } from "./static-dir.js";
import { StaticFiles } from "./static-files.js";
import { summaryOf } from "./trace-tree.js";
import type { RunSummary, TraceView } from "./types.js";

/** Options of `viewer()`. */
export interface ViewerOptions {
  /** The bus whose runs are shown (default: `defaultBus`). */
  bus?: CallbackBus;
  /** Where ended runs and other instances' runs are read from (default: the bus's log, if any). */
  log?: RunLog;
  /**
   * Keys hidden, at any depth, from every input, output, event and metadata shown (e.g.
   * `["apiKey"]`); case is ignored. The events route hides them too (it is `sse()` with the
   * same `redact`), with a run log or without.
   */
  redact?: readonly string[];
  /** Root runs (with their traces) the viewer keeps in memory. Default 1 000. */
  maxTraces?: number;
  /** Events kept per trace; past it, tokens and other in-between events are counted, not kept. Default 10 000. */
  maxEventsPerTrace?: number;
  /** Passed to the `sse()` that serves `GET /api/runs/:runId/events` (which gets this viewer's bus, log and `redact`). */
  sse?: Omit<SseOptions, "bus" | "log" | "redact">;
}

/** What `viewer()` returns: mount it with `app.use(path, viewer(...))`. */
export interface ViewerRouter {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  /** Stops following the bus (the page then shows only what the run log has). */
  close(): void;
}

/** The answer of `GET /api/runs` when no `limit` is given, and the most it accepts. */
export const DEFAULT_LIST_LIMIT = 1_000;
const MAX_LIST_LIMIT = 10_000;
/** How many traces are read from the run log at once to summarise other instances' runs. */
const LOG_READS_AT_ONCE = 8;

/**
 * The run viewer. `GET /` the page; `GET /api/runs` recent root runs, newest first;
 * `GET /api/runs/:runId` that trace as a tree of runs with their events (`?download` to save
 * it as a file); `GET /api/runs/:runId/events` the trace live over Server-Sent Events.
 *
 * @example
 * ```ts
 * const bus = new CallbackBus({ log: new MemoryRunLog() });
 * app.use("/callbus", viewer({ bus, redact: ["apiKey"] }));
 * // open http://localhost:3000/callbus/
 * ```
 */
export function viewer(options: ViewerOptions = {}): ViewerRouter {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`callbus: viewer() takes an options object like { bus, log }, got ${options === null ? "null" : typeof options}`);
  }
  const bus = options.bus ?? defaultBus;
  const log = options.log ?? bus.log;
  const redact = redactedKeys(options.redact);
  const maxTraces = wholeNumber(options.maxTraces, 1_000, "maxTraces");
  const maxEventsPerTrace = wholeNumber(options.maxEventsPerTrace, 10_000, "maxEventsPerTrace");
  const files = new StaticFiles(staticDir());
  const index = new RunIndex({ maxTraces, maxEventsPerTrace }, redact);
  const fromLog = new LoggedSummaries(maxTraces);
  // The events route hides what the JSON routes hide, whether it streams from the log or the bus.
  const streamOptions: SseOptions = { ...options.sse, bus };
  if (log !== undefined) streamOptions.log = log;
  if (redact.size !== 0) streamOptions.redact = [...redact];
  const events = sse(streamOptions);

  const listener: AnyListener = (event, payload) => {
    index.add(event, payload, Date.now());
  };
  bus.onAny(listener);

  async function list(limit: number): Promise<RunSummary[]> {
    const local = index.summaries(limit);
    if (log?.recentRoots === undefined) return local;
    const ids = await log.recentRoots(limit);
    const known = new Set(local.map((run) => run.runId));
    const missing = ids.filter((id) => !known.has(id) && !index.hasRoot(id));
    const others = await inBatches(missing, LOG_READS_AT_ONCE, (id) => fromLog.get(id, () => readLoggedTrace(log, id, redact, maxEventsPerTrace)));
    // The log's order is the start order across instances; runs it does not list yet (just
    // started here) go first, newest first as the index has them.
    const byId = new Map<string, RunSummary>();
    for (const run of local) byId.set(run.runId, run);
    missing.forEach((id, i) => {
      const run = others[i];
      if (run !== undefined) byId.set(id, run);
    });
    const listed = new Set(ids);
    const ordered = [...local.filter((run) => !listed.has(run.runId)), ...ids.map((id) => byId.get(id) ?? index.summary(id))];
    return ordered.filter((run): run is RunSummary => run !== undefined).slice(0, limit);
  }

  async function trace(runId: string, signal: AbortSignal): Promise<TraceView | undefined> {
    const kept = index.tree(runId);
    if (log === undefined) return kept;
    if (kept !== undefined && !index.isPartial(runId)) return kept; // the log would show the same
    return (await readLoggedTrace(log, runId, redact, maxEventsPerTrace, signal)) ?? kept;
  }

  function route(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void {
    const url = parseUrl(req.url);
    if (url === undefined) {
      sendError(res, 400, `callbus: the run viewer cannot read the request path ${JSON.stringify(req.url)}`);
      return;
    }
    const path = url.pathname;
    const isRead = req.method === "GET" || req.method === "HEAD";
    if (path === "/" || path === "") {
      if (!isRead) {
        notAllowed(res);
        return;
      }
      // The page links its files relatively, so it must be seen at a path ending in "/".
      const original = parseUrl((req as { originalUrl?: string }).originalUrl ?? req.url) ?? url;
      if (!original.pathname.endsWith("/")) {
        // One leading slash, so the answer can only name a path on this host.
        res.writeHead(308, { location: `${original.pathname.replace(/^\/+/, "/")}/${original.search}` });
        res.end();
        return;
      }
      files.send(req, res, "index.html");
      return;
    }
    if (!path.startsWith("/api/")) {
      const name = path.slice(1);
      if (files.has(name)) {
        if (isRead) files.send(req, res, name);
        else notAllowed(res);
        return;
      }
      if (next !== undefined) {
        next();
        return;
      }
      sendError(res, 404, `callbus: the run viewer has no page ${JSON.stringify(path)}`);
      return;
    }
    if (!isRead) {
      notAllowed(res);
      return;
    }
    const parts = path.split("/").slice(2); // "", "api", ...
    if (parts[0] !== "runs") {
      sendError(res, 404, `callbus: the run viewer has no route ${JSON.stringify(path)}`);
      return;
    }
    if (parts.length === 1) {
      const limit = listLimit(url.searchParams.get("limit"));
      if (typeof limit === "string") {
        sendError(res, 400, `callbus: ${limit}`);
        return;
      }
      list(limit).then(
        (runs) => sendJson(req, res, runs),
        (error: unknown) => sendError(res, 502, `callbus: the run log could not list recent runs: ${message(error)}`),
      );
      return;
    }
    const runId = decodeRunId(parts[1]);
    if (runId.problem !== undefined) {
      sendError(res, 400, `callbus: ${runId.problem}`);
      return;
    }
    if (parts.length === 3 && parts[2] === "events") {
      (req as IncomingMessage & { params?: Record<string, string> }).params = { runId: runId.id };
      events(req, res);
      return;
    }
    if (parts.length !== 2) {
      sendError(res, 404, `callbus: the run viewer has no route ${JSON.stringify(path)}`);
      return;
    }
    const aborted = new AbortController();
    res.once("close", () => aborted.abort());
    trace(runId.id, aborted.signal).then(
      (view) => {
        if (view === undefined) {
          sendError(res, 404, `callbus: no run ${JSON.stringify(runId.id)} is known here (it never ran, or it ended longer ago than the viewer and the run log keep runs)`);
          return;
        }
        const download = url.searchParams.has("download") ? `trace-${runId.id.replace(/[^\w.-]/g, "_")}.json` : undefined;
        sendJson(req, res, view, download);
      },
      (error: unknown) => sendError(res, 502, `callbus: the run log could not be read for run ${JSON.stringify(runId.id)}: ${message(error)}`),
    );
  }

  return Object.assign(route, {
    close: () => {
      bus.offAny(listener);
    },
  });
}

/** Ended runs of the run log, summarised once (a bounded map: the oldest goes first). */
class LoggedSummaries {
  private readonly ended = new Map<string, RunSummary>();

  constructor(private readonly max: number) {}

  async get(runId: string, read: () => Promise<TraceView | undefined>): Promise<RunSummary | undefined> {
    const kept = this.ended.get(runId);
    if (kept !== undefined) return kept;
    const view = await read();
    if (view === undefined) return undefined;
    const summary = summaryOf(view);
    if (summary.status !== "running") {
      this.ended.set(runId, summary);
      if (this.ended.size > this.max) this.ended.delete(this.ended.keys().next().value as string);
    }
    return summary;
  }
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

function sendJson(req: IncomingMessage, res: ServerResponse, value: unknown, download?: string): void {
  const body = JSON.stringify(value);
  // The page asks for the list every second; an unchanged list is answered 304, with no body.
  const etag = `"${createHash("sha1").update(body).digest("base64url")}"`;
  const headers: Record<string, string | number> = {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    etag,
  };
  if (download !== undefined) headers["content-disposition"] = `attachment; filename="${download}"`;
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers["content-length"] = Buffer.byteLength(body);
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

function notAllowed(res: ServerResponse): void {
  res.setHeader("allow", "GET, HEAD");
  sendError(res, 405, "callbus: the run viewer answers only GET and HEAD");
}

/** A request's path and query, or undefined when it is not a path. */
function parseUrl(raw: string | undefined): URL | undefined {
  if (raw === undefined || !raw.startsWith("/")) return undefined;
  try {
    // Appended to a fixed origin, so a path like "//host/x" stays a path.
    return new URL(`http://viewer.invalid${raw}`);
  } catch {
    return undefined;
  }
}

/** The run id of a path segment, or what is wrong with it. */
function decodeRunId(segment: string): { id: string; problem?: string } {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return { id: segment, problem: `the run id in the path is not valid percent-encoding: ${JSON.stringify(segment)}` };
  }
  if (id === "") return { id, problem: "the path names no run id" };
  if (id.length > MAX_RUN_ID_LENGTH) return { id, problem: `a run id is at most ${MAX_RUN_ID_LENGTH} characters long, got ${id.length}` };
  if (/[\x00-\x1f\x7f]/.test(id)) return { id, problem: `the run id ${JSON.stringify(id)} contains control characters` };
  return { id };
}

/** `?limit=` as a number, or what is wrong with it. */
function listLimit(value: string | null): number | string {
  if (value === null) return DEFAULT_LIST_LIMIT;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIST_LIMIT) {
    return `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}, got ${JSON.stringify(value)}`;
  }
  return Number(value);
}

function wholeNumber(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`callbus: viewer() needs \`${name}\` as a whole number >= 1, got ${String(value)}`);
  }
  return value;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
