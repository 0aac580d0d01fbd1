/**
 * The Express example as a module: `createApp()` builds the app (no port is opened), so the
 * server script and the tests share it. Routes:
 *   GET  /                     the page that shows tokens live
 *   POST /chat                 {"message": "..."} -> 202 {"runId", "requestId", "events"}
 *   GET  /runs/:runId/events   the run's events as Server-Sent Events
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { nanoid } from "nanoid";
import { CallbackBus } from "callbus";
import { callbus, sse, type SseHandler, type SseOptions } from "callbus/express";
import { runChat } from "./fake-chat.js";
import { PAGE_HTML } from "./page.js";

/** Options of `createApp()`. */
export interface ExampleAppOptions {
  /** The bus the runs go to (default: a new one). */
  bus?: CallbackBus;
  /** Milliseconds before each of the fake model's tokens (one per character). Default 30. */
  tokenDelayMs?: number;
  /** How long /chat waits for the page to subscribe before running anyway. Default 10 000. */
  waitForClientMs?: number;
  /** Passed to `sse()`. */
  sse?: Omit<SseOptions, "bus">;
}

/** The app, with the bus and SSE handler it uses (handy for logs and tests). */
export interface ExampleApp {
  app: express.Express;
  bus: CallbackBus;
  events: SseHandler;
}

/** Longest message /chat takes. */
const MAX_MESSAGE_LENGTH = 2_000;

export function createApp(options: ExampleAppOptions = {}): ExampleApp {
  const bus = options.bus ?? new CallbackBus();
  const events = sse({ ...options.sse, bus });
  const app = express();
  app.use(callbus({ bus }));

  app.get("/", (_req, res) => {
    res.type("html").send(PAGE_HTML);
  });

  app.get("/runs/:runId/events", events);

  app.post("/chat", express.json({ limit: "16kb" }), (req, res) => {
    if (!req.is("application/json")) {
      res.status(415).json({ error: 'send the message as JSON, with "content-type: application/json"' });
      return;
    }
    const message: unknown = (req.body as { message?: unknown } | null)?.message;
    if (typeof message !== "string" || message.trim() === "" || message.length > MAX_MESSAGE_LENGTH) {
      res.status(400).json({ error: `the body must be JSON like {"message": "hello"}, with a message of 1 to ${MAX_MESSAGE_LENGTH} characters` });
      return;
    }
    const runId = nanoid();
    const requestId = String(req.callbacks.metadata.requestId);
    res.status(202).json({ runId, requestId, events: `/runs/${runId}/events` });
    // The run starts once the page is subscribed, so its stream misses nothing.
    void events
      .waitForClient(runId, options.waitForClientMs ?? 10_000)
      .then(() => runChat(bus, runId, requestId, message, options.tokenDelayMs ?? 30))
      .catch((error: unknown) => console.error("chat run failed:", error));
  });

  // Body-parser errors (bad JSON, too large) and anything else, as JSON with a clear status.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { type, status, message } = error as { type?: string; status?: number; message?: string };
    if (type === "entity.parse.failed") {
      res.status(400).json({ error: `the request body is not valid JSON: ${message}` });
    } else if (type === "entity.too.large") {
      res.status(413).json({ error: "the request body is larger than 16 kB" });
    } else if (typeof status === "number" && status >= 400 && status < 500) {
      res.status(status).json({ error: message ?? "bad request" });
    } else {
      console.error(error);
      res.status(500).json({ error: "internal error" });
    }
  });

  return { app, bus, events };
}
