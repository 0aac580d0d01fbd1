/**
 * The page's files, read once when the viewer is made (a handful of small files) and served
 * from memory with their type, an ETag and a strict Content-Security-Policy.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendError } from "../respond.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** The page runs only its own files: no inline script or style, nothing from elsewhere. */
export const PAGE_CSP = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(dir: string) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type === undefined) continue;
      const body = readFileSync(join(dir, name));
      const etag = `"${createHash("sha1").update(body).digest("base64url")}"`;
      this.files.set(name, { body, type, etag });
    }
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  /** Answers with file `name`, or 304 when the client has it already (404 if there is no such file). */
  send(req: IncomingMessage, res: ServerResponse, name: string): void {
    const file = this.files.get(name);
    if (file === undefined) {
      sendError(res, 404, `callbus: the run viewer has no file ${JSON.stringify(name)}`);
      return;
    }
    const headers = {
      "content-type": file.type,
      etag: file.etag,
      "cache-control": "no-cache",
      "content-security-policy": PAGE_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    };
    if (req.headers["if-none-match"] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, "content-length": file.body.length });
    res.end(req.method === "HEAD" ? undefined : file.body);
  }
}
