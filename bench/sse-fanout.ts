/**
 * SSE fan-out: one run's events to 1, 100 and 1,000 clients of one server, four ways: callbus's
 * `sse()` live from the bus, `sse()` with a MemoryRunLog (replay-ready, ids from the log),
 * better-sse (a Channel of Sessions fed the same events) and a hand-rolled `res.write` loop (the
 * floor). Clients run in a child process; the table gives events delivered per second and the
 * server's CPU (user + system) per delivered event.
 */
import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createChannel, createSession } from "better-sse";
import { CallbackBus, CallbackManager, MemoryRunLog } from "callbus";
import { sse } from "callbus/express";
import { FIXTURE } from "./harness.js";

type SideName = "callbus" | "callbus+log" | "better-sse" | "floor";
const SIDES: SideName[] = ["callbus", "callbus+log", "better-sse", "floor"];
const CLIENTS = [1, 100, 1_000];

interface Server {
  url: string;
  bus: CallbackBus;
  close(): Promise<void>;
}

/** A server for one side; every request is a client of run "run". */
async function serve(side: SideName): Promise<Server> {
  const bus = new CallbackBus(side === "callbus+log" ? { log: new MemoryRunLog({ retainMs: 1_000 }) } : {});
  let handler: http.RequestListener;
  if (side === "callbus" || side === "callbus+log") {
    const stream = sse({ bus, heartbeatMs: 0, maxBufferedEvents: 100_000, maxBufferedBytes: 64 * 1024 * 1024 });
    handler = (req, res) => stream(Object.assign(req, { params: { runId: currentRun } }), res);
  } else if (side === "better-sse") {
    const channel = createChannel();
    bus.onAny((event, payload) => void channel.broadcast(payload, event));
    handler = (req, res) => void createSession(req, res).then((session) => channel.register(session));
  } else {
    const clients = new Set<http.ServerResponse>();
    let id = 0;
    bus.onAny((event, payload) => {
      const frame = `id: ${++id}\nevent: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const res of clients) res.write(frame);
    });
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write(": ok\n\n");
      clients.add(res);
      res.on("close", () => clients.delete(res));
    };
  }
  const server = http.createServer(handler);
  server.maxConnections = 10_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", 2_048, resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    bus,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let currentRun = "run-0";

function ask(child: ChildProcess, message: object, reply: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (m[reply] === true) {
        child.off("message", onMessage);
        resolve();
      }
    };
    child.on("message", onMessage);
    child.send(message);
  });
}

/**
 * One measured run: the run starts, `clients` clients connect (a live run answers at once),
 * then `events` more events go out; returns deliveries per second and server CPU ns per delivery.
 */
async function measure(child: ChildProcess, side: SideName, clients: number, events: number): Promise<{ perSecond: number; cpuNs: number }> {
  const server = await serve(side);
  currentRun = `run-${side}-${clients}-${Date.now()}`;
  const manager = new CallbackManager(undefined, { bus: server.bus });
  const chain = manager.handleChainStart(FIXTURE.chain, FIXTURE.inputs, currentRun);
  const [llm] = chain.getChild().handleLLMStart(FIXTURE.llm, [FIXTURE.prompt]);
  await ask(child, { open: server.url, clients }, "connected");
  // A stream read from the log also replays the two events sent before it connected.
  const done = ask(child, { expect: events + (side === "callbus+log" ? 2 : 0) }, "done");
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < events - 2; i++) {
    llm.handleLLMNewToken(FIXTURE.tokens[i % FIXTURE.tokens.length], FIXTURE.idx);
    // A model streams: let the sockets drain between bursts.
    if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
  }
  llm.handleLLMEnd(FIXTURE.llmResult);
  chain.handleChainEnd(FIXTURE.outputs);
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  await ask(child, { close: true }, "closed");
  await server.close();
  const deliveries = clients * events;
  return { perSecond: deliveries / seconds, cpuNs: ((used.user + used.system) * 1_000) / deliveries };
}

export async function sseFanoutBench(): Promise<Record<string, unknown>[]> {
  const child = fork(fileURLToPath(new URL("./sse-clients.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const rows: Record<string, unknown>[] = [];
  try {
    for (const clients of CLIENTS) {
      const events = Math.max(200, Math.min(20_000, Math.round(200_000 / clients)));
      // Warm-up, then the median of three per side.
      for (const side of SIDES) await measure(child, side, clients, Math.min(events, 500));
      const results: Record<string, { perSecond: number; cpuNs: number }> = {};
      for (const side of SIDES) {
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push(await measure(child, side, clients, events));
        runs.sort((a, b) => a.cpuNs - b.cpuNs);
        results[side] = runs[1]!;
      }
      rows.push({ clients, events, ...results });
    }
  } finally {
    child.kill();
  }
  console.log("\nSSE fan-out: one run to N clients (events delivered per second; server CPU ns per delivered event; median of 3)\n");
  console.log(`| clients | events | ${SIDES.map((s) => `${s} ev/s | ${s} CPU`).join(" | ")} | callbus/better-sse CPU | callbus+log/better-sse CPU | callbus/floor CPU | callbus+log/floor CPU |`);
  console.log(`|---:|---:|${SIDES.map(() => "---:|---:").join("|")}|---:|---:|---:|---:|`);
  for (const row of rows) {
    const r = row as Record<SideName, { perSecond: number; cpuNs: number }> & { clients: number; events: number };
    const cells = SIDES.map((s) => `${(r[s].perSecond / 1e3).toFixed(0)}k | ${r[s].cpuNs.toFixed(0)}`);
    const x = (a: SideName, b: SideName) => `${(r[a].cpuNs / r[b].cpuNs).toFixed(2)}x`;
    console.log(`| ${r.clients} | ${r.events} | ${cells.join(" | ")} | ${x("callbus", "better-sse")} | ${x("callbus+log", "better-sse")} | ${x("callbus", "floor")} | ${x("callbus+log", "floor")} |`);
  }
  return rows;
}
