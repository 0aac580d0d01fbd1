/** The error responses of callbus's route handlers: a status and a JSON body naming the problem. */
import type { ServerResponse } from "node:http";

/** The body of every error response: `{ "error": "<what was wrong>" }`. */
export interface ErrorBody {
  error: string;
}

/** Answers with `status` and `{ error: message }`, or cuts the response if it already started. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: message } satisfies ErrorBody);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}
