/**
 * The `sse()` route handler: `GET …/:runId` streams a run's events, and its descendants', as
 * Server-Sent Events: from a run log when there is one (the whole history, then live, with the
 * log's ids), else live from the bus. Bad input gets a status and a message; the listener of a
 * stream is freed whenever and however its response closes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallbackBus } from "../bus.js";
import { defaultBus } from "../default-bus.js";
import { EVENT_INFO, type CallbackEventName } from "../events.js";
import { RunEndedError } from "../errors.js";
import type { RunScope } from "../run-scope.js";
import { redactedKeys } from "./json-copy.js";
import { sendError } from "./respond.js";
import type { RunLog } from "../run-log/run-log.js";
import { SseConnection, type SseStreamSummary } from "./sse-connection.js";
import { SSE_HEADERS } from "./sse-writer.js";
import { SseLogStream } from "./sse-log-stream.js";

/** Options of `sse()`. */
export interface SseOptions {
  /** The bus whose runs are streamed (default: `defaultBus`). */
  bus?: CallbackBus;
  /**
   * The run log streams are read from (default: the bus's `log`). With one, a client gets the
   * run's whole history (or what follows its `Last-Event-ID`), then live events, also for runs
   * another instance runs on a shared log.
   */
  log?: RunLog;
  /** How long a client may go without draining what it was sent before it is cut. Default 30 000; 0 = never. */
  writeTimeoutMs?: number;
  /** Milliseconds between heartbeat comments (`: heartbeat`); 0 sends none. Default 15 000. */
  heartbeatMs?: number;
  /** The route parameter that holds the run id. Default `"runId"`. */
  param?: string;
  /**
   * How long a request for a run that is not running waits for it to start before the answer
   * is 404. Default 10 000; 0 answers 404 at once.
   */
  startTimeoutMs?: number;
  /** Most events held for a client that does not keep up. Default 5 000. */
  maxBufferedEvents?: number;
  /** Most bytes held for a client that does not keep up, and the largest frame sent. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * Events that may be dropped, oldest first, when a slow client's buffer is full. Default
   * `["llmNewToken", "chatModelStreamEvent"]`: per-token events, whose text `llmEnd` repeats.
   * When the buffer is full of other events the stream is closed.
   */
  droppable?: readonly CallbackEventName[];
  /**
   * Keys hidden, at any depth and whatever their case, from every payload streamed (e.g.
   * `["apiKey"]`): the value becomes `"[redacted]"`. Each payload is then sent as the plain copy
   * the run viewer shows (LangChain.js messages as `{ type, content, … }`, very long or deep
   * values cut), made once per event and shared by every client. Default: none, payloads as
   * they are.
   */
  redact?: readonly string[];
  /** Called once per stream when it closes, with what it did. */
  onClose?: (summary: SseStreamSummary) => void;
}

/** What `sse()` reads from a request: Express's (or any router's) `params`. */
export type SseRequest = IncomingMessage & { params?: { readonly [name: string]: string | undefined } };

/** The route handler `sse()` returns, with a way to see who is subscribed. */
export interface SseHandler {
  (req: SseRequest, res: ServerResponse): void;
  /** Streams open (or waiting for their run to start) right now. */
  readonly activeStreams: number;
  /**
   * Resolves to true once a client of this handler is subscribed to `runId` (at once if one
   * is), or to false after `timeoutMs` (default 10 000). Start a run after this and its
   * client misses none of its events.
   */
  waitForClient(runId: string, timeoutMs?: number): Promise<boolean>;
}

/** The longest run id accepted in a path. */
export const MAX_RUN_ID_LENGTH = 256;

const DEFAULTS = {
  heartbeatMs: 15_000,
  startTimeoutMs: 10_000,
  maxBufferedEvents: 5_000,
  maxBufferedBytes: 1024 * 1024,
  writeTimeoutMs: 30_000,
  droppable: ["llmNewToken", "chatModelStreamEvent"] as readonly CallbackEventName[],
};

/**
 * A route handler for `GET …/:runId` that streams run `runId` and its descendants as
 * Server-Sent Events: `event:` the event name, `data:` the payload as one line of JSON. The
 * stream ends after the run's end (or error) event.
 *
 * With a run log (`log`, or the bus's): the run's whole history first (or what follows
 * `Last-Event-ID`), then live events, also for runs of other instances on a shared log; `id:`
 * is the log's id; a range the log no longer has starts with a `gap` event. Without one: live
 * events from the moment of subscription, `id:` a sequence number.
 *
 * Answers: 200 and the stream when the run is live (or, with a log, ended within retention) or
 * starts within `startTimeoutMs`; 400 for a malformed run id or `Last-Event-ID`; 404 when the
 * run does not start in time; 410 when the run has ended (with a log: longer ago than the log
 * keeps runs), or when a client resumes a run that is gone. `HEAD` gets the headers at once.
 *
 * @example
 * ```ts
 * const events = sse({ bus });
 * app.get("/runs/:runId/events", events);
 * // browser: new EventSource(`/runs/${runId}/events`).addEventListener("llmNewToken", …)
 * ```
 */
export function sse(options: SseOptions = {}): SseHandler {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`callbus: sse() takes an options object like { bus, heartbeatMs }, got ${options === null ? "null" : typeof options}`);
  }
  const bus = options.bus ?? defaultBus;
  const log = options.log ?? bus.log;
  if (log !== undefined && (log === null || typeof log !== "object" || typeof log.read !== "function")) {
    throw new TypeError("callbus: sse() needs a RunLog (an object with a read method) as `log`");
  }
  const param = options.param ?? "runId";
  const droppable = options.droppable ?? DEFAULTS.droppable;
  for (const event of droppable) {
    if (EVENT_INFO[event] === undefined) throw new TypeError(`callbus: sse() got unknown event ${JSON.stringify(event)} in \`droppable\``);
  }
  const redact = options.redact === undefined ? undefined : redactedKeys(options.redact, "sse()");
  const settings = {
    heartbeatMs: milliseconds(options.heartbeatMs, DEFAULTS.heartbeatMs, "heartbeatMs"),
    startTimeoutMs: milliseconds(options.startTimeoutMs, DEFAULTS.startTimeoutMs, "startTimeoutMs"),
    maxBufferedEvents: positive(options.maxBufferedEvents, DEFAULTS.maxBufferedEvents, "maxBufferedEvents"),
    maxBufferedBytes: positive(options.maxBufferedBytes, DEFAULTS.maxBufferedBytes, "maxBufferedBytes"),
    writeTimeoutMs: milliseconds(options.writeTimeoutMs, DEFAULTS.writeTimeoutMs, "writeTimeoutMs"),
    droppable: new Set<string>(droppable),
    redact: redact === undefined || redact.size === 0 ? undefined : redact,
    serialized: new WeakMap<object, string>(),
    frames: new WeakMap<object, string>(),
  };
  const clients = new Map<string, number>();
  const waiters = new Map<string, Set<() => void>>();
  let active = 0;

  const subscribed = (runId: string) => {
    clients.set(runId, (clients.get(runId) ?? 0) + 1);
    active++;
    const wake = waiters.get(runId);
    waiters.delete(runId);
    if (wake !== undefined) for (const resolve of wake) resolve();
  };
  const closed = (summary: SseStreamSummary) => {
    const left = (clients.get(summary.runId) ?? 1) - 1;
    if (left === 0) clients.delete(summary.runId);
    else clients.set(summary.runId, left);
    active--;
    options.onClose?.(summary);
  };

  function handle(req: SseRequest, res: ServerResponse): void {
    if (req.params === undefined || !(param in req.params)) {
      sendError(res, 500, `callbus: sse() is mounted on a route without a :${param} parameter`);
      return;
    }
    const runId = req.params[param];
    const badId = runIdProblem(runId);
    if (runId === undefined || badId !== undefined) {
      sendError(res, 400, `callbus: ${badId ?? "the path names no run id"}`);
      return;
    }
    if (req.method === "HEAD") {
      // Nothing to stream: the headers say what a GET would get.
      res.writeHead(200, SSE_HEADERS);
      res.end();
      return;
    }
    if (log !== undefined) {
      const after = parseLogEventId(req.headers["last-event-id"]);
      if (after instanceof Error) {
        sendError(res, 400, `callbus: ${after.message}`);
        return;
      }
      void streamFromLog(req, res, runId, log, after);
      return;
    }
    const lastEventId = parseLastEventId(req.headers["last-event-id"]);
    if (typeof lastEventId === "string") {
      sendError(res, 400, `callbus: ${lastEventId}`);
      return;
    }
    const live = bus.runs.get(runId) !== undefined;
    if (!live && lastEventId !== undefined) {
      // The client saw this run's events before, so it did start: it has ended, and ended
      // runs' events are not kept.
      sendError(res, 410, `callbus: run ${JSON.stringify(runId)} is not running (it has ended, or never ran here); ended runs' events are not kept, so there is nothing to resume after event ${lastEventId}`);
      return;
    }
    let scope: RunScope;
    try {
      scope = bus.run(runId, { descendants: true });
    } catch (error) {
      if (!(error instanceof RunEndedError)) throw error;
      sendError(res, 410, `callbus: run ${JSON.stringify(runId)} has already ended; there is nothing left to stream`);
      return;
    }
    if (!live && settings.startTimeoutMs === 0) {
      sendError(res, 404, `callbus: run ${JSON.stringify(runId)} is not running`);
      return;
    }
    new SseConnection(res, runId, scope, settings, lastEventId ?? 0, closed).start(live);
    subscribed(runId);
  }

  /** A stream read from the log: at once when the run is known here or to the log, else after it starts. */
  async function streamFromLog(req: SseRequest, res: ServerResponse, runId: string, log: RunLog, after: string | undefined): Promise<void> {
    let known = bus.runs.get(runId) !== undefined;
    if (!known && log.has !== undefined) {
      try {
        known = await log.has(runId);
      } catch (error) {
        sendError(res, 503, `callbus: the run log could not be asked about run ${JSON.stringify(runId)}: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (req.destroyed || res.writableEnded) return;
    }
    if (!known && (after !== undefined || bus.runs.hasEnded(runId))) {
      sendError(res, 410, `callbus: run ${JSON.stringify(runId)} is no longer in the run log (it ended longer ago than the log keeps runs)`);
      return;
    }
    if (!known && settings.startTimeoutMs === 0) {
      sendError(res, 404, `callbus: run ${JSON.stringify(runId)} is not running`);
      return;
    }
    new SseLogStream(res, runId, log, settings, after, closed).start(known);
    subscribed(runId);
  }

  function waitForClient(runId: string, timeoutMs = 10_000): Promise<boolean> {
    if ((clients.get(runId) ?? 0) > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const set = waiters.get(runId);
        set?.delete(wake);
        if (set?.size === 0) waiters.delete(runId);
        resolve(false);
      }, timeoutMs);
      let set = waiters.get(runId);
      if (set === undefined) waiters.set(runId, (set = new Set()));
      set.add(wake);
    });
  }

  return Object.defineProperties(handle, {
    activeStreams: { get: () => active, enumerable: true },
    waitForClient: { value: waitForClient, enumerable: true },
  }) as SseHandler;
}

/** What is wrong with a run id taken from a path, if anything. */
function runIdProblem(runId: string | undefined): string | undefined {
  if (runId === undefined || runId === "") return "the path names no run id";
  if (runId.length > MAX_RUN_ID_LENGTH) return `a run id is at most ${MAX_RUN_ID_LENGTH} characters long, got ${runId.length}`;
  if (/[\x00-\x1f\x7f]/.test(runId)) return `the run id ${JSON.stringify(runId)} contains control characters`;
  return undefined;
}

/** `Last-Event-ID` as a number, undefined when absent, or what is wrong with it. */
function parseLastEventId(header: string | string[] | undefined): number | undefined | string {
  if (header === undefined || header === "") return undefined;
  if (typeof header === "string" && /^\d{1,15}$/.test(header)) return Number(header);
  return `Last-Event-ID must be the id of an event this stream sent (a whole number), got ${JSON.stringify(header)}`;
}

/** `Last-Event-ID` as a run log id (`12` or `1700000000000-0`), undefined when absent, or what is wrong with it. */
function parseLogEventId(header: string | string[] | undefined): string | undefined | Error {
  if (header === undefined || header === "") return undefined;
  if (typeof header === "string" && /^\d{1,15}(-\d{1,15})?$/.test(header)) return header;
  return new Error(`Last-Event-ID must be the id of an event this stream sent (like 12 or 1700000000000-0), got ${JSON.stringify(header)}`);
}

function milliseconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`callbus: sse() needs \`${name}\` as a number of milliseconds >= 0, got ${String(value)}`);
  }
  return value;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`callbus: sse() needs \`${name}\` as a whole number >= 1, got ${String(value)}`);
  }
  return value;
}
