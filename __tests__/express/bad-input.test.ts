import express from "express";
import request from "supertest";
import { CallbackBus, CallbackManager } from "callbus";
import { sse, MAX_RUN_ID_LENGTH } from "callbus/express";
import { createApp } from "../../examples/express/app";
import { listen, type Listening } from "./helpers";

let bus: CallbackBus;
let server: Listening;
let waiting: ReturnType<typeof sse>;

beforeAll(async () => {
  bus = new CallbackBus();
  waiting = sse({ bus, startTimeoutMs: 30 });
  const app = express();
  app.get("/runs/:runId/events", waiting);
  app.get("/now/:runId", sse({ bus, startTimeoutMs: 0 }));
  app.get("/wrong/:id", sse({ bus }));
  server = await listen(app);
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  // Whatever was refused, nothing stays subscribed.
  expect(bus.activeScopes).toBe(0);
  expect(bus.listenerCount()).toBe(0);
  expect(waiting.activeStreams).toBe(0);
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, { headers });
  const type = res.headers.get("content-type") ?? "";
  return { status: res.status, type, error: type.startsWith("application/json") ? ((await res.json()) as { error: string }).error : await res.text() };
}

test("a run id with control characters is 400", async () => {
  expect(await get("/runs/a%0Ab/events")).toEqual({ status: 400, type: "application/json; charset=utf-8", error: 'callbus: the run id "a\\nb" contains control characters' });
});

test("a run id longer than the limit is 400", async () => {
  const res = await get(`/runs/${"r".repeat(MAX_RUN_ID_LENGTH + 1)}/events`);
  expect(res).toMatchObject({ status: 400, error: `callbus: a run id is at most ${MAX_RUN_ID_LENGTH} characters long, got ${MAX_RUN_ID_LENGTH + 1}` });
});

test("a run id that is not valid percent-encoding is 400 (from Express's router)", async () => {
  expect((await get("/runs/%E0%A4%A/events")).status).toBe(400);
});

test("a Last-Event-ID that is not one of ours is 400", async () => {
  const res = await get("/runs/some-run/events", { "last-event-id": "abc" });
  expect(res.status).toBe(400);
  expect(res.error).toMatch(/Last-Event-ID must be .*\(a whole number\), got "abc"/);
});

test("a run that does not start within startTimeoutMs is 404, and one that is not running is 404 at once with 0", async () => {
  expect(await get("/runs/never-starts/events")).toMatchObject({ status: 404, error: 'callbus: run "never-starts" is not running and did not start within 30 ms' });
  expect(await get("/now/never-starts")).toMatchObject({ status: 404, error: 'callbus: run "never-starts" is not running' });
});

test("a run that has ended is 410", async () => {
  const chain = new CallbackManager(undefined, { bus }).handleChainStart({ name: "done" }, {});
  chain.handleChainEnd({});
  expect(await get(`/runs/${chain.runId}/events`)).toMatchObject({ status: 410, error: `callbus: run "${chain.runId}" has already ended; there is nothing left to stream` });
});

test("resuming (Last-Event-ID) a run that is long gone is 410 at once, without waiting for it to start", async () => {
  const res = await get("/runs/gone-long-ago/events", { "last-event-id": "17" });
  expect(res.status).toBe(410);
  expect(res.error).toMatch(/"gone-long-ago" is not running .* nothing to resume after event 17$/);
});

test("a route without the :runId parameter is a 500 naming the parameter", async () => {
  expect(await get("/wrong/x")).toMatchObject({ status: 500, error: "callbus: sse() is mounted on a route without a :runId parameter" });
});

test("bad sse() options are refused with a message naming them", () => {
  expect(() => sse({ heartbeatMs: -1 })).toThrow(/`heartbeatMs` as a number of milliseconds >= 0, got -1/);
  expect(() => sse({ maxBufferedEvents: 0 })).toThrow(/`maxBufferedEvents` as a whole number >= 1, got 0/);
  expect(() => sse({ droppable: ["llmNewTokens" as "llmNewToken"] })).toThrow(/unknown event "llmNewTokens" in `droppable`/);
});

describe("the example's /chat route", () => {
  const { app, bus: exampleBus } = createApp({ tokenDelayMs: 0, waitForClientMs: 0 });

  test("a body that is not JSON is 400 naming the problem", async () => {
    const res = await request(app).post("/chat").set("content-type", "application/json").send("{not json").expect(400);
    expect((res.body as { error: string }).error).toMatch(/^the request body is not valid JSON: /);
  });

  test("a body that is not declared as JSON is 415", async () => {
    const res = await request(app).post("/chat").set("content-type", "text/plain").send("hello").expect(415);
    expect((res.body as { error: string }).error).toMatch(/content-type: application\/json/);
  });

  test("JSON without a message is 400, an oversized body 413", async () => {
    expect(((await request(app).post("/chat").send({ msg: 1 }).expect(400)).body as { error: string }).error).toMatch(/\{"message": "hello"\}/);
    expect(((await request(app).post("/chat").send({ message: "x".repeat(20_000) }).expect(413)).body as { error: string }).error).toMatch(/larger than 16 kB/);
  });

  test("a good message is 202 with the run id, the request id and where its events stream", async () => {
    const ended = new Promise<Record<string, unknown>>((resolve) => exampleBus.once("chainEnd", (p) => resolve(p.outputs)));
    const res = await request(app).post("/chat").set("x-request-id", "chat-1").send({ message: "hi" }).expect(202);
    const body = res.body as { runId: string };
    expect(body).toEqual({ runId: expect.any(String) as unknown, requestId: "chat-1", events: `/runs/${body.runId}/events` });
    // The chat runnable returns a string, which LangChain.js reports as `{ output }`.
    expect(await ended).toEqual({ output: "You said: hi. Streaming works!" });
  });
});
