/**
 * The viewer's routes over real HTTP: the list of root runs, a trace as a tree, the live
 * stream, bad input, redaction and the memory bound, with runs made by LangChain.js and by
 * callbus's managers.
 */
import { CallbackBus, CallbackManager, MemoryRunLog } from "callbus";
import { viewer, type RunNode, type RunSummary, type TraceView, type ViewerOptions } from "callbus/express";
import { runAgent, runFailingBooking, runWithManagers } from "../../examples/viewer/sample-runs";
import { SseClient, until } from "../express/helpers";
import { getJson, startViewer, type ViewerApp } from "./support";

let app: ViewerApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Every node of a tree, depth first, with its depth. */
function flatten(node: RunNode, depth = 0): { node: RunNode; depth: number }[] {
  return [{ node, depth }, ...node.children.flatMap((child) => flatten(child, depth + 1))];
}

test("a LangChain.js agent run is listed and its trace is a tree with inputs, outputs, streamed text, usage and custom events", async () => {
  app = await startViewer();
  const answer = await runAgent(app.bus, "What should I pack for Paris?", { tokenDelayMs: 0, tags: ["agent", "demo"], metadata: { user: "ada" } });

  const list = await getJson<RunSummary[]>(`${app.page}api/runs`);
  expect(list.status).toBe(200);
  expect(list.body).toHaveLength(1);
  const [run] = list.body;
  expect(run).toMatchObject({ name: "travel-agent", kind: "chain", status: "success", tags: ["agent", "demo"], metadata: { user: "ada" } });
  expect(run.endTime).toBeGreaterThanOrEqual(run.startTime);

  const trace = await getJson<TraceView>(`${app.page}api/runs/${encodeURIComponent(run.runId)}`);
  expect(trace.status).toBe(200);
  const rows = flatten(trace.body).map(({ node, depth }) => [depth, node.kind, node.name, node.status]);
  expect(rows).toEqual([
    [0, "chain", "travel-agent", "success"],
    [1, "retriever", "FakeRetriever", "success"],
    [1, "chat_model", "CountingChatModel", "success"],
    [1, "tool", "get_weather", "success"],
    [1, "chat_model", "CountingChatModel", "success"],
  ]);
  const [retriever, planner, weather, writer] = trace.body.children;
  expect(trace.body.inputs).toEqual({ question: "What should I pack for Paris?" });
  expect(trace.body.outputs).toEqual({ answer });
  expect(retriever.inputs).toBe("What should I pack for Paris?");
  expect((retriever.outputs as { pageContent: string }[]).map((doc) => doc.pageContent)).toHaveLength(2);
  expect(planner.text).toBe("I will check the guides, then the weather.");
  expect(writer.text).toBe(answer);
  expect(weather.outputs).toBe("It is 18°C and sunny in Paris.");
  expect(planner.events.filter((event) => event.event === "customEvent").map((event) => event.data.eventName)).toEqual(["some_test_event"]);
  expect(planner.events.filter((event) => event.event === "llmNewToken")).toHaveLength(Array.from(planner.text!).length);
  // Usage: each model's own, and the sum at the root (per trace) and in the list.
  const sum = planner.usage!.total_tokens + writer.usage!.total_tokens;
  expect(planner.usage!.output_tokens).toBe(Array.from(planner.text!).length);
  expect(trace.body.usage!.total_tokens).toBe(sum);
  expect(run.usage!.total_tokens).toBe(sum);
  expect(trace.body.source).toBe("memory");
  // A child run's id gives the tree below it.
  const below = await getJson<TraceView>(`${app.page}api/runs/${encodeURIComponent(writer.runId)}`);
  expect(below.body).toMatchObject({ runId: writer.runId, kind: "chat_model", text: answer, children: [] });
});

test("an error run carries its message, on the run that failed and on the root", async () => {
  app = await startViewer();
  const error = await runFailingBooking(app.bus);
  const [run] = (await getJson<RunSummary[]>(`${app.page}api/runs`)).body;
  expect(run).toMatchObject({ name: "booking", status: "error" });
  const trace = (await getJson<TraceView>(`${app.page}api/runs/${encodeURIComponent(run.runId)}`)).body;
  expect(trace.error?.message).toBe(error.message);
  expect(trace.children.map((child) => [child.kind, child.name, child.status, child.error?.message])).toEqual([["tool", "book_table", "error", "Chez Janou is fully booked tonight"]]);
});

test("the list is newest first, follows runs as they start and end, and says running until the end", async () => {
  app = await startViewer();
  const first = runWithManagers(app.bus, { name: "first" });
  const second = runWithManagers(app.bus, { name: "second" });
  const open = new CallbackManager(undefined, { bus: app.bus }).handleChainStart({ name: "third" }, { q: 1 });
  let list = (await getJson<RunSummary[]>(`${app.page}api/runs`)).body;
  expect(list.map((run) => [run.runId, run.status])).toEqual([
    [open.runId, "running"],
    [second, "success"],
    [first, "success"],
  ]);
  expect(list[0].endTime).toBeUndefined();
  open.handleChainError(new TypeError("no more input"));
  list = (await getJson<RunSummary[]>(`${app.page}api/runs?limit=1`)).body;
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({ runId: open.runId, status: "error" });
});

test("redact hides keys at any depth of inputs, outputs, events and metadata, whatever their case", async () => {
  app = await startViewer({ redact: ["apiKey", "password"] });
  const manager = new CallbackManager(undefined, { bus: app.bus });
  const root = manager.handleChainStart({ name: "login" }, { user: "ada", APIKEY: "sk-1", nested: { deeper: [{ password: "hunter2", ok: true }] } }, undefined, undefined, [], { apiKey: "sk-2" });
  root.handleCustomEvent("auth", { apikey: "sk-3" });
  root.handleChainEnd({ token: "t", apiKey: "sk-4" });
  const body = await (await fetch(`${app.page}api/runs/${root.runId}`)).text();
  for (const secret of ["sk-1", "sk-2", "sk-3", "sk-4", "hunter2"]) expect(body).not.toContain(secret);
  const trace = JSON.parse(body) as TraceView;
  expect(trace.inputs).toEqual({ user: "ada", APIKEY: "[redacted]", nested: { deeper: [{ password: "[redacted]", ok: true }] } });
  expect(trace.outputs).toEqual({ token: "t", apiKey: "[redacted]" });
  expect(trace.metadata).toEqual({ apiKey: "[redacted]" });
  const list = await (await fetch(`${app.page}api/runs`)).text();
  expect(list).not.toContain("sk-2");
});

test.each([
  ["with a run log", () => new CallbackBus({ log: new MemoryRunLog() }), ["chainStart", "chainStart", "chainEnd", "chainEnd"]],
  ["without a run log", () => new CallbackBus(), ["chainStart", "chainEnd", "chainEnd"]],
])("%s, the events route hides the redacted keys too", async (_name, makeBus, expected) => {
  const bus = makeBus();
  app = await startViewer({ bus, redact: ["apiKey"] });
  const root = new CallbackManager(undefined, { bus }).handleChainStart({ name: "login" }, { apiKey: "sk-live" }, undefined, undefined, [], { apiKey: "sk-meta" });
  const client = new SseClient(`${app.page}api/runs/${root.runId}/events`);
  // Subscribed (and, with a log, the history sent) before the rest of the run happens.
  await until(() => client.body.includes(": run "), "the stream to open");
  const child = root.getChild().handleChainStart({ name: "lookup" }, { query: "q", ApiKey: "sk-child" });
  child.handleChainEnd({ found: [{ apikey: "sk-child-out" }] });
  root.handleChainEnd({ reply: "hi", nested: { APIKEY: "sk-out" } });
  await client.closed;
  expect(client.events).toEqual(expected);
  for (const secret of ["sk-live", "sk-meta", "sk-child", "sk-out"]) expect(client.body).not.toContain(secret);
  expect(client.payloads("chainStart").at(-1)).toMatchObject({ inputs: { query: "q", ApiKey: "[redacted]" } });
  expect(client.payloads("chainEnd")[0]).toMatchObject({ outputs: { found: [{ apikey: "[redacted]" }] } });
  expect(client.payloads("chainEnd")[1]).toMatchObject({ outputs: { reply: "hi", nested: { APIKEY: "[redacted]" } } });
  if (bus.log !== undefined) {
    expect(client.payloads("chainStart")[0]).toMatchObject({ inputs: { apiKey: "[redacted]" }, metadata: { apiKey: "[redacted]" } });
    await bus.log.close();
  }
});

test("bad input gets a status and a JSON message naming what was wrong", async () => {
  app = await startViewer();
  const cases: [string, number, RegExp, string?][] = [
    ["api/runs/%E0%A4%A", 400, /not valid percent-encoding/],
    [`api/runs/${"x".repeat(300)}`, 400, /at most 256 characters/],
    ["api/runs/%01bad", 400, /control characters/],
    ["api/runs/never-ran", 404, /no run "never-ran" is known here/],
    ["api/runs?limit=0", 400, /limit must be a whole number/],
    ["api/runs?limit=lots", 400, /limit must be a whole number/],
    ["api/nothing", 404, /no route/],
    ["api/runs/a/b/c", 404, /no route/],
    ["api/runs", 405, /only GET and HEAD/, "POST"],
  ];
  for (const [path, status, message, method] of cases) {
    const response = await fetch(app.page + path, { method: method ?? "GET" });
    expect([path, response.status]).toEqual([path, status]);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: string };
    expect(body.error).toMatch(message);
  }
  expect(() => viewer({ bus: app!.bus, redact: "apiKey" as unknown as string[] })).toThrow(/`redact` as a list of key names/);
  expect(() => viewer({ bus: app!.bus, maxTraces: 0 })).toThrow(/`maxTraces` as a whole number >= 1, got 0/);
  expect(() => viewer(null as unknown as ViewerOptions)).toThrow(/takes an options object/);
});

test("the viewer keeps at most maxTraces traces and maxEventsPerTrace events of each", async () => {
  app = await startViewer({ maxTraces: 3, maxEventsPerTrace: 50 });
  const ids = Array.from({ length: 10 }, (_, i) => runWithManagers(app!.bus, { name: `run-${i}`, children: 2, tokens: 5 }));
  const list = (await getJson<RunSummary[]>(`${app.page}api/runs`)).body;
  expect(list.map((run) => run.name)).toEqual(["run-9", "run-8", "run-7"]);
  expect((await fetch(`${app.page}api/runs/${ids[0]}`)).status).toBe(404);
  // A trace past the event bound drops tokens but keeps every run whole.
  const big = runWithManagers(app.bus, { name: "big", children: 4, tokens: 100 });
  const trace = (await getJson<TraceView>(`${app.page}api/runs/${big}`)).body;
  expect(trace.status).toBe("success");
  expect(trace.children.map((child) => child.status)).toEqual(["success", "success", "success", "success"]);
  expect(trace.droppedEvents).toBeGreaterThan(0);
  expect(trace.usage?.output_tokens).toBe(400);
});

test("with a run log, runs the viewer no longer keeps are read back from the log, whole", async () => {
  const bus = new CallbackBus({ log: new MemoryRunLog() });
  app = await startViewer({ bus, maxTraces: 2 });
  const oldest = await runAgent(bus, "What should I pack?", { tokenDelayMs: 0 }).then(() => undefined);
  expect(oldest).toBeUndefined();
  const ids = [runWithManagers(bus, { name: "b", children: 1, tokens: 3 }), runWithManagers(bus, { name: "c" }), runWithManagers(bus, { name: "d" })];
  const list = (await getJson<RunSummary[]>(`${app.page}api/runs`)).body;
  expect(list.map((run) => run.name)).toEqual(["d", "c", "b", "travel-agent"]);
  const agentId = list[3].runId;
  const trace = (await getJson<TraceView>(`${app.page}api/runs/${encodeURIComponent(agentId)}`)).body;
  expect(trace.source).toBe("log");
  expect(flatten(trace).map(({ node }) => node.kind)).toEqual(["chain", "retriever", "chat_model", "tool", "chat_model"]);
  expect(trace.children[1].text).toBe("I will check the guides, then the weather.");
  expect(trace.status).toBe("success");
  expect(trace.events.every((event) => typeof event.id === "string")).toBe(true);
  expect((await getJson<TraceView>(`${app.page}api/runs/${ids[0]}`)).body.source).toBe("log");
  await bus.log!.close();
});

test("a trace read back from a MemoryRunLog has the times its events were appended, not their order", async () => {
  const bus = new CallbackBus({ log: new MemoryRunLog() });
  app = await startViewer({ bus, maxTraces: 1 });
  const before = Date.now();
  const root = new CallbackManager(undefined, { bus }).handleChainStart({ name: "slow" }, {});
  await new Promise((resolve) => setTimeout(resolve, 30));
  root.handleChainEnd({});
  const after = Date.now();
  // A newer run pushes the first out of the viewer's own memory: it is read back from the log.
  runWithManagers(bus, { name: "newer" });
  const trace = (await getJson<TraceView>(`${app.page}api/runs/${root.runId}`)).body;
  expect(trace.source).toBe("log");
  expect(trace.timesFromOrder).toBeUndefined();
  expect(trace.startTime).toBeGreaterThanOrEqual(before);
  expect(trace.endTime).toBeLessThanOrEqual(after);
  // The 30 ms the run waited shows as its duration (events 1 ms apart would show 1 ms).
  expect(trace.endTime! - trace.startTime).toBeGreaterThanOrEqual(25);
  await bus.log!.close();
});

test("GET /api/runs/:runId/events streams the trace live and ends with it", async () => {
  app = await startViewer();
  const root = new CallbackManager(undefined, { bus: app.bus }).handleChainStart({ name: "live" }, {});
  const client = new SseClient(`${app.page}api/runs/${root.runId}/events`);
  await client.ready;
  expect(client.status).toBe(200);
  expect(client.headers["content-type"]).toMatch(/^text\/event-stream/);
  await until(() => client.frames.length > 0 || client.body.length > 0, "the stream to open");
  const [llm] = root.getChild().handleLLMStart({ name: "model" }, ["hi"]);
  llm.handleLLMNewToken("Hel");
  llm.handleLLMNewToken("lo");
  llm.handleLLMEnd({ generations: [[{ text: "Hello" }]] });
  root.handleChainEnd({ reply: "Hello" });
  await client.closed;
  expect(client.events).toEqual(expect.arrayContaining(["llmStart", "llmNewToken", "llmNewToken", "llmEnd", "chainEnd"]));
  expect(client.payloads<{ token: string }>("llmNewToken").map((p) => p.token)).toEqual(["Hel", "lo"]);
  const bad = await fetch(`${app.page}api/runs/%01/events`);
  expect(bad.status).toBe(400);
});

test("with a run log, the events of a run that ended are replayed whole, as sse() replays them", async () => {
  const bus = new CallbackBus({ log: new MemoryRunLog() });
  app = await startViewer({ bus });
  const runId = runWithManagers(bus, { name: "ended", children: 1, tokens: 2 });
  const client = new SseClient(`${app.page}api/runs/${runId}/events`);
  await client.closed;
  expect(client.status).toBe(200);
  expect(client.events).toEqual(["chainStart", "llmStart", "customEvent", "llmNewToken", "llmNewToken", "llmEnd", "chainEnd"]);
  expect(client.frames.filter((frame) => frame.event !== undefined).every((frame) => frame.id !== undefined)).toBe(true);
  await bus.log!.close();
});

test("the page and its files are served with their types and a strict Content-Security-Policy", async () => {
  app = await startViewer();
  const bare = await fetch(app.page.slice(0, -1) + "?x=1", { redirect: "manual" });
  expect(bare.status).toBe(308);
  expect(bare.headers.get("location")).toBe("/callbus/?x=1");
  const page = await fetch(app.page);
  expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  expect(page.headers.get("content-security-policy")).toMatch(/^default-src 'self'/);
  const html = await page.text();
  expect(html).toContain('<script type="module" src="viewer.js"></script>');
  expect(html).not.toMatch(/<script>|<script type="module">|\son\w+=|style=/);
  for (const [file, type] of [["viewer.js", /^text\/javascript/], ["trace-view.js", /^text\/javascript/], ["viewer.css", /^text\/css/]] as const) {
    const response = await fetch(app.page + file);
    expect([file, response.status]).toEqual([file, 200]);
    expect(response.headers.get("content-type")).toMatch(type);
    const again = await fetch(app.page + file, { headers: { "if-none-match": response.headers.get("etag")! } });
    expect(again.status).toBe(304);
  }
  // Not the viewer's: left to the app (Express answers its own 404).
  expect((await fetch(app.page + "tsconfig.page.json")).status).toBe(404);
  // An unchanged list is 304; a trace can be downloaded as a file.
  const id = runWithManagers(app.bus, { name: "saved" });
  const list = await fetch(`${app.page}api/runs`);
  expect((await fetch(`${app.page}api/runs`, { headers: { "if-none-match": list.headers.get("etag")! } })).status).toBe(304);
  const download = await fetch(`${app.page}api/runs/${id}?download`);
  expect(download.headers.get("content-disposition")).toBe(`attachment; filename="trace-${id}.json"`);
  expect(((await download.json()) as TraceView).name).toBe("saved");
});
