import express from "express";
import request from "supertest";
import { CallbackBus, CallbackManager, currentCallbacks, dispatchCustomEvent, runWithCallbacks, type ChainStartEvent } from "callbus";
import { callbus, MAX_REQUEST_ID_LENGTH } from "callbus/express";

function appOn(bus: CallbackBus, options: Parameters<typeof callbus>[0] = {}) {
  const app = express();
  app.use(callbus({ bus, ...options }));
  app.use(express.json());
  app.post("/work", async (req, res) => {
    // Typed by the module augmentation: no cast needed.
    const manager: CallbackManager = req.callbacks;
    const chain = manager.handleChainStart({ name: "work" }, { body: req.body as unknown });
    await new Promise((resolve) => setTimeout(resolve, 1));
    const current = currentCallbacks();
    await runWithCallbacks(chain, async () => {
      await Promise.resolve();
      dispatchCustomEvent("step", { n: 1 });
    });
    const [llm] = chain.getChild().handleLLMStart({ name: "model" }, ["p"]);
    llm.handleLLMEnd({ generations: [] });
    chain.handleChainEnd({ ok: true });
    res.json({ sameManager: current === manager, requestId: manager.metadata.requestId });
  });
  return app;
}

function record(bus: CallbackBus) {
  const seen: { event: string; runId: string; requestId: unknown }[] = [];
  bus.onAny((event, payload) => {
    seen.push({ event, runId: payload.runId, requestId: payload.metadata.requestId });
  });
  return seen;
}

test("the request id from x-request-id is echoed and carried by the request's runs and their children", async () => {
  const bus = new CallbackBus();
  const seen = record(bus);
  const res = await request(appOn(bus)).post("/work").set("x-request-id", "req-42").send({ q: 1 }).expect(200);
  expect(res.headers["x-request-id"]).toBe("req-42");
  expect(res.body).toEqual({ sameManager: true, requestId: "req-42" });
  expect(seen.map((s) => s.event)).toEqual(["chainStart", "customEvent", "llmStart", "llmEnd", "chainEnd"]);
  expect(seen.every((s) => s.requestId === "req-42")).toBe(true);
});

test("without the header a new id is made, echoed and carried; each request gets its own manager", async () => {
  const bus = new CallbackBus();
  const starts: ChainStartEvent[] = [];
  bus.on("chainStart", (p) => {
    starts.push(p);
  });
  const app = appOn(bus);
  const [a, b] = await Promise.all([request(app).post("/work").expect(200), request(app).post("/work").expect(200)]);
  const ids = [a.headers["x-request-id"], b.headers["x-request-id"]];
  expect(ids[0]).toMatch(/^[A-Za-z0-9_-]{21}$/);
  expect(ids[1]).not.toBe(ids[0]);
  expect(starts.map((s) => s.metadata.requestId).sort()).toEqual([...ids].sort());
});

test("a configured header is read and echoed instead", async () => {
  const bus = new CallbackBus();
  const seen = record(bus);
  const res = await request(appOn(bus, { header: "X-Correlation-Id" }))
    .post("/work")
    .set("x-correlation-id", "corr-7")
    .set("x-request-id", "ignored")
    .expect(200);
  expect(res.headers["x-correlation-id"]).toBe("corr-7");
  expect(res.headers["x-request-id"]).toBeUndefined();
  expect(seen[0].requestId).toBe("corr-7");
});

test("an unusable request id (too long, or not visible ASCII) is replaced by a new one", async () => {
  const bus = new CallbackBus();
  const app = appOn(bus);
  const long = await request(app).post("/work").set("x-request-id", "a".repeat(MAX_REQUEST_ID_LENGTH + 1)).expect(200);
  expect(long.headers["x-request-id"]).toMatch(/^[A-Za-z0-9_-]{21}$/);
  const spaced = await request(app).post("/work").set("x-request-id", "has space").expect(200);
  expect(spaced.headers["x-request-id"]).toMatch(/^[A-Za-z0-9_-]{21}$/);
  const exact = await request(app).post("/work").set("x-request-id", "b".repeat(MAX_REQUEST_ID_LENGTH)).expect(200);
  expect(exact.headers["x-request-id"]).toBe("b".repeat(MAX_REQUEST_ID_LENGTH));
});

test("code deep in a request, after awaits and timers, finds the request's manager without being handed it", async () => {
  const bus = new CallbackBus();
  const seen = record(bus);
  async function deepHelper(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const callbacks = currentCallbacks();
    if (!(callbacks instanceof CallbackManager)) return "no manager";
    const run = callbacks.handleToolStart({ name: "lookup" }, "q");
    run.handleToolEnd("found");
    return run.runId;
  }
  const app = express();
  app.use(callbus({ bus }));
  app.get("/", async (_req, res) => {
    res.send(await deepHelper());
  });
  const res = await request(app).get("/").set("x-request-id", "deep-1").expect(200);
  expect(seen).toEqual([
    { event: "toolStart", runId: res.text, requestId: "deep-1" },
    { event: "toolEnd", runId: res.text, requestId: "deep-1" },
  ]);
});

test("bad options are refused with a message naming them", () => {
  expect(() => callbus({ header: "bad header" })).toThrow(/valid HTTP header name as `header`, got "bad header"/);
  expect(() => callbus(null as never)).toThrow(/options object/);
});

test("req.callbacks is typed as a CallbackManager", () => {
  const app = express();
  app.get("/", (req, res) => {
    const manager: CallbackManager = req.callbacks;
    // @ts-expect-error not a member of CallbackManager
    req.callbacks.noSuchMethod(); // eslint-disable-line @typescript-eslint/no-unsafe-call -- the type error this test expects
    res.json(manager.metadata);
  });
  expect(app).toBeDefined();
});
