/**
 * Two instances of one service on one Redis: a chat runs on instance A, and its events stream
 * from instance B, because both write and read the same RedisRunLog. The script starts a
 * throwaway redis-server unless REDIS_URL is set, starts A and B, runs one chat on A while B
 * streams it (printed below), then keeps both running for you to try.
 *
 *   npm run example:cluster                         (REDIS_URL=redis://host:6379 to use yours)
 *   CALLBUS_EXAMPLE_ONCE=1 npm run example:cluster  (exit after the demo)
 */
import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { nanoid } from "nanoid";
import { CallbackBus } from "callbus";
import { sse } from "callbus/express";
import { RedisRunLog } from "callbus/redis";
import { runChat } from "./express/fake-chat.js";
import { clusterPage } from "./cluster/page.js";
import { startRedisServer, type RedisServer } from "../__tests__/setup/redis-server.js";

interface Instance {
  name: string;
  url: string;
  bus: CallbackBus;
  log: RedisRunLog;
  server: Server;
}

/** One instance: its own bus and log on the shared Redis, the chat route, the SSE route and the page. */
async function startInstance(name: string, port: number, redisUrl: string, runOn: () => string): Promise<Instance> {
  const log = new RedisRunLog({ url: redisUrl, prefix: "callbus-example" });
  const bus = new CallbackBus({ log });
  const app = express();
  app.get("/", (_req, res) => void res.type("html").send(clusterPage(runOn())));
  app.post("/chat", express.urlencoded({ extended: false }), express.json(), (req, res) => {
    const message = String((req.body as { message?: unknown } | undefined)?.message ?? "hello");
    const runId = nanoid();
    // No waiting for a client: the log keeps the run, so a stream opened later gets all of it.
    void runChat(bus, runId, nanoid(), message, 40);
    res.set("access-control-allow-origin", "*").status(202).json({ runId, events: `/runs/${runId}/events` });
  });
  app.get("/runs/:runId/events", sse({ bus }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { name, url, bus, log, server };
}

/** Reads an SSE stream and prints each event as it comes, until the stream ends. */
async function follow(url: string): Promise<void> {
  const res = await fetch(url);
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of res.body!) {
    pending += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = pending.indexOf("\n\n")) !== -1) {
      const frame = pending.slice(0, end);
      pending = pending.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const id = /^id: (.*)$/m.exec(frame)?.[1];
      if (event === undefined) continue;
      const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? "null") as { token?: string };
      console.log(`  B <- ${event.padEnd(14)} id ${id}${data.token === undefined ? "" : `  ${JSON.stringify(data.token)}`}`);
    }
  }
}

let redis: RedisServer | undefined;
const redisUrl = process.env.REDIS_URL ?? (redis = await startRedisServer()).url;
console.log(`Redis: ${redisUrl}${redis === undefined ? "" : " (a throwaway redis-server started for this example)"}`);

let aUrl = "";
const a = await startInstance("A", Number(process.env.PORT_A ?? 3001), redisUrl, () => aUrl);
aUrl = a.url;
const b = await startInstance("B", Number(process.env.PORT_B ?? 3002), redisUrl, () => aUrl);

console.log(`Instance A: ${a.url}   Instance B: ${b.url}\n`);
console.log("Demo: a chat starts on A; B streams it from Redis.");
const started = (await (await fetch(`${a.url}/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "hi" }) })).json()) as { runId: string };
console.log(`  A -> POST /chat: run ${started.runId}`);
await follow(`${b.url}/runs/${started.runId}/events`);

console.log(`\nTry it:
  open ${b.url}                       (the page sends to A and streams from B)
  curl -s -XPOST ${a.url}/chat -d message=hello
  curl -N ${b.url}/runs/<runId>/events     (also after the run ended: it replays whole)
  curl -N ${b.url}/runs/<runId>/events -H 'Last-Event-ID: <an id from above>'`);

async function shutdown(): Promise<void> {
  for (const instance of [a, b]) {
    instance.server.closeAllConnections();
    await new Promise((resolve) => instance.server.close(resolve));
    await instance.log.close();
  }
  await redis?.stop();
}

if (process.env.CALLBUS_EXAMPLE_ONCE === "1") {
  await shutdown();
} else {
  console.log("\nCtrl-C stops both instances.");
  process.once("SIGINT", () => void shutdown().then(() => process.exit(0)));
}
