/** Real servers on 127.0.0.1 and a raw Server-Sent Events client for the express tests. */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, on a port the OS picks. */
export function listen(handler: http.RequestListener): Promise<Listening> {
  const server = http.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** One parsed SSE frame; comments are kept so heartbeats can be seen. */
export interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comments: string[];
}

/** A raw SSE client on node:http: the status, the frames so far, and whether the response ended. */
export class SseClient {
  readonly frames: Frame[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  body = "";
  ended = false;
  /** Resolves once the status line and headers are in. */
  readonly ready: Promise<void>;
  /** Resolves when the response ends or the connection closes. */
  readonly closed: Promise<void>;
  private readonly req: http.ClientRequest;
  private res: http.IncomingMessage | undefined;
  private pending = "";

  constructor(url: string, headers: http.OutgoingHttpHeaders = {}, options: { paused?: boolean } = {}) {
    let ready!: () => void;
    let closed!: () => void;
    this.ready = new Promise((resolve) => (ready = resolve));
    this.closed = new Promise((resolve) => (closed = resolve));
    this.req = http.get(url, { headers, agent: false }, (res) => {
      this.res = res;
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => this.take(chunk));
      res.on("end", () => {
        this.ended = true;
        closed();
      });
      res.on("close", () => closed());
      if (options.paused === true) res.pause();
      ready();
    });
    this.req.on("error", () => closed());
    this.req.on("close", () => closed());
  }

  /** The event names of the frames so far. */
  get events(): string[] {
    return this.frames.filter((f) => f.event !== undefined).map((f) => f.event!);
  }

  /** The parsed `data:` of every frame of `event`. */
  payloads<T = Record<string, unknown>>(event: string): T[] {
    return this.frames.filter((f) => f.event === event).map((f) => JSON.parse(f.data!) as T);
  }

  resume(): void {
    this.res?.resume();
  }

  /** Goes away the way a closed browser tab does. */
  destroy(): void {
    this.req.destroy();
  }

  private take(chunk: string): void {
    this.body += chunk;
    this.pending += chunk;
    let end: number;
    while ((end = this.pending.indexOf("\n\n")) !== -1) {
      const block = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      const frame: Frame = { comments: [] };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) frame.comments.push(line.slice(1).trim());
        else if (line.startsWith("id: ")) frame.id = line.slice(4);
        else if (line.startsWith("event: ")) frame.event = line.slice(7);
        else if (line.startsWith("data: ")) frame.data = line.slice(6);
      }
      this.frames.push(frame);
    }
  }
}

/** Waits until `condition()` holds; fails naming `what` if it never does. */
export async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
