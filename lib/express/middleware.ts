/// <reference types="express-serve-static-core" preserve="true" />
/**
 * The `callbus()` middleware: every request gets its own `CallbackManager` (`req.callbacks`)
 * whose runs carry the request id, and the rest of the request runs with that manager as the
 * current callbacks of its async context.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallbackBus } from "../bus.js";
import { defaultBus } from "../default-bus.js";
import { CallbackManager } from "../callback-manager.js";
import { runWithCallbacks } from "../async-context.js";
import { RunCancelledError } from "../errors.js";
import { StartedRuns } from "../started-runs.js";
import { DEFAULT_REQUEST_ID_HEADER, headerName, requestIdFrom } from "./request-id.js";

/**
 * A symbol type of its own in each built copy of callbus (the ESM one and the CommonJS one), so
 * that each copy adds its own entry to `CallbusRequestCallbacks` below. Types only.
 */
declare const copyOfCallbus: unique symbol;

declare global {
  /**
   * The manager type of `req.callbacks`, one entry per copy of callbus a program loads. A program
   * that sees both the ESM and the CommonJS declarations gets the same `callbacks` declaration
   * from each, so the two never conflict; a program that loads one copy gets that copy's class.
   */
  interface CallbusRequestCallbacks {
    [copyOfCallbus]: CallbackManager;
  }
}

declare module "express-serve-static-core" {
  interface Request {
    /**
     * This request's callback manager (set by callbus's `callbus()` middleware). Its runs
     * carry `metadata.requestId`; it is the current callbacks of the request's async context.
     */
    callbacks: CallbusRequestCallbacks[keyof CallbusRequestCallbacks];
  }
}

/** Options of `callbus()`. */
export interface CallbusMiddlewareOptions {
  /** The bus the request's runs go to (default: `defaultBus`). */
  bus?: CallbackBus;
  /** The header the request id is read from and echoed in (default `x-request-id`). */
  header?: string;
  /**
   * When the client disconnects before the response is complete, end the runs the request
   * started through `req.callbacks` that are still live (their live child runs first), as
   * `bus.endRun(runId)` does, with a `RunCancelledError`. Off by default; turn it on for the
   * routes whose work is useless once the client is gone.
   */
  endRunsOnDisconnect?: boolean;
}

/** A plain Connect/Express middleware; it needs nothing from Express but `(req, res, next)`. */
export type CallbusMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Express middleware that gives each request `req.callbacks`: a `CallbackManager` on `bus`
 * whose runs (and their child runs) carry `metadata.requestId`. The id comes from the
 * `x-request-id` header (or `header`) when it is 1 to 200 visible ASCII characters, else it
 * is a new nanoid; it is echoed in the response header. The rest of the request runs inside
 * `runWithCallbacks(req.callbacks, …)`, so `currentCallbacks()` returns the manager and code
 * that looks for the current callbacks finds it.
 *
 * @example
 * ```ts
 * app.use(callbus({ bus }));
 * app.post("/chat", async (req, res) => {
 *   const run = req.callbacks.handleChainStart({ name: "chat" }, req.body);
 *   // ...
 *   run.handleChainEnd({ answer });
 * });
 * ```
 */
export function callbus(options: CallbusMiddlewareOptions = {}): CallbusMiddleware {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`callbus: callbus() takes an options object like { bus, header }, got ${options === null ? "null" : typeof options}`);
  }
  const bus = options.bus ?? defaultBus;
  const header = options.header === undefined ? DEFAULT_REQUEST_ID_HEADER : headerName(options.header, "callbus()");
  const endRunsOnDisconnect = options.endRunsOnDisconnect === true;
  return function callbusMiddleware(req, res, next) {
    const requestId = requestIdFrom(req.headers[header]);
    // Inheritable too, so the child runs of the request's runs carry it as well.
    const callbacks = new CallbackManager(undefined, { bus, metadata: { requestId }, inheritableMetadata: { requestId } });
    if (endRunsOnDisconnect) {
      const started = new StartedRuns();
      callbacks.addHandler(started.handler, false);
      res.once("close", () => {
        if (res.writableFinished || started.size === 0) return;
        started.endAll(bus, (runId) => new RunCancelledError(runId, `callbus: run ${JSON.stringify(runId)} was ended: the client of request ${requestId} disconnected`));
      });
    }
    (req as IncomingMessage & { callbacks: CallbackManager }).callbacks = callbacks;
    if (!res.headersSent) res.setHeader(header, requestId);
    runWithCallbacks(callbacks, () => next());
  };
}
