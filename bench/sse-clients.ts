/**
 * The client side of the SSE fan-out bench, in a process of its own so the server's CPU is
 * measured alone. Driven over IPC: `{ open: url, clients }` opens that many streams and answers
 * `{ connected }` once every response has its headers; `{ expect: n }` answers `{ done }` once
 * every stream has read n `data:` lines; `{ close }` drops them all.
 */
import http from "node:http";

interface Stream {
  req: http.ClientRequest;
  lines: number;
  tail: string;
}

let streams: Stream[] = [];
let expected = Infinity;
let waiting = 0;

function check(): void {
  if (waiting > 0 && streams.every((s) => s.lines >= expected)) {
    waiting = 0;
    process.send!({ done: true });
  }
}

process.on("message", (message: { open?: string; clients?: number; expect?: number; close?: boolean }) => {
  if (message.open !== undefined) {
    let ready = 0;
    streams = Array.from({ length: message.clients! }, () => {
      const stream: Stream = { req: undefined as never, lines: 0, tail: "" };
      stream.req = http.get(message.open!, { agent: false }, (res) => {
        res.setEncoding("latin1");
        if (++ready === message.clients) process.send!({ connected: true });
        res.on("data", (chunk: string) => {
          // Count "data:" at line starts, a match split across chunks included.
          const text = stream.tail + chunk;
          let at = -1;
          while ((at = text.indexOf("\ndata:", at + 1)) !== -1) stream.lines++;
          stream.tail = text.slice(-6);
          if (stream.lines >= expected) check();
        });
      });
      stream.req.on("error", () => undefined);
      return stream;
    });
  } else if (message.expect !== undefined) {
    expected = message.expect;
    waiting = 1;
    check();
  } else if (message.close === true) {
    for (const stream of streams) stream.req.destroy();
    streams = [];
    expected = Infinity;
    process.send!({ closed: true });
  }
});
