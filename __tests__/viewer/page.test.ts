/**
 * The viewer page in a real headless Chromium, against a real server and real runs: the live
 * list, the tree and waterfall, tokens while they stream, errors, a page opened late, values
 * that look like HTML, filters, export, and the page's speed with many runs and events. Every
 * test checks that the strict Content-Security-Policy blocked nothing, and saves a screenshot
 * under test-output/viewer/.
 * (Browser code is given as strings where it touches the DOM: this project's TypeScript has no DOM types.)
 */
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { CallbackBus, CallbackManager, MemoryRunLog } from "callbus";
import type { TraceView } from "callbus/express";
import { launchBrowser } from "../support/browser";
import { runAgent, runFailingBooking, runWithManagers } from "../../examples/viewer/sample-runs";
import { screenshot, startViewer, type ViewerApp } from "./support";

let browser: Browser;
let app: ViewerApp | undefined;
let context: BrowserContext | undefined;
/** Problems the page reported: script errors, console errors, CSP violations, dialogs. */
let problems: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  await app?.close();
  app = undefined;
});

/** Opens the viewer page in a fresh browser context and waits for its first list. */
async function open(viewer: ViewerApp, width = 1440): Promise<Page> {
  problems = [];
  context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  // Injected by the browser itself, so the page's CSP does not apply to it.
  await context.addInitScript(`document.addEventListener("securitypolicyviolation", (e) => console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI));`);
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const response = await page.goto(viewer.page);
  expect(response?.headers()["content-security-policy"]).toMatch(/^default-src 'self'/);
  await waitFor(page, `document.getElementById("connection").textContent === "live"`);
  return page;
}

/** Waits for the list row of root run `name` and clicks it; resolves to its run id. */
async function pick(page: Page, name: string): Promise<string> {
  const row = page.locator("#run-rows tr", { hasText: name }).first();
  await row.waitFor();
  const runId = (await row.getAttribute("data-run-id"))!;
  await row.click();
  await waitFor(page, `document.getElementById("trace").dataset.runId === ${JSON.stringify(runId)}`);
  return runId;
}

/** The waterfall's rows as [depth, kind, name, status]. */
async function treeRows(page: Page): Promise<[number, string, string, string][]> {
  return page.$$eval(".waterfall .row:not(.axis)", (rows) =>
    rows.map((row) => {
      const element = row as unknown as { dataset: Record<string, string>; className: string; querySelector(s: string): { textContent: string } | null };
      const status = /status-(\w+)/.exec(element.className)![1];
      return [Number(element.dataset.depth), element.querySelector(".kind")!.textContent, element.querySelector(".run-name")!.textContent, status] as [number, string, string, string];
    }),
  );
}

/**
 * Waits until `expression` is true in the page. Polled from here with `page.evaluate`, which
 * the page's CSP allows, where `page.waitForFunction` would need the page to allow eval.
 */
async function waitFor(page: Page, expression: string, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`the page never showed: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectNoProblems(): void {
  expect(problems).toEqual([]);
}

test("the list shows a run that starts after the page opened, and its tree shows every child, nested, on one time axis", async () => {
  app = await startViewer();
  const page = await open(app);
  expect(await page.locator("#run-rows tr").count()).toBe(0);
  await runAgent(app.bus, "What should I pack for Paris?", { tokenDelayMs: 2, tags: ["agent", "paris"], metadata: { user: "ada" } });
  const runId = await pick(page, "travel-agent");
  await waitFor(page, `document.getElementById("trace").dataset.status === "success"`);
  expect(await treeRows(page)).toEqual([
    [0, "chain", "travel-agent", "success"],
    [1, "retriever", "FakeRetriever", "success"],
    [1, "chat_model", "CountingChatModel", "success"],
    [1, "tool", "get_weather", "success"],
    [1, "chat_model", "CountingChatModel", "success"],
  ]);
  // Each run is a bar placed on the trace's time axis: children start no earlier than the root.
  const bars = await page.$$eval(".waterfall .row:not(.axis) .bar", (items) =>
    items.map((bar) => {
      const style = (bar as unknown as { style: { left: string; width: string } }).style;
      return [parseFloat(style.left), parseFloat(style.width)];
    }),
  );
  expect(bars).toHaveLength(5);
  expect(bars[0]).toEqual([0, 100]);
  for (const [left, width] of bars) expect(left + width).toBeLessThanOrEqual(100.5);
  expect(bars[4][0]).toBeGreaterThan(bars[2][0]); // the answer starts after the plan
  // The planner's custom event is a mark on its bar; usage is rolled up to the trace.
  expect(await page.locator(".waterfall .mark-customEvent").count()).toBe(1);
  const trace = (await (await fetch(`${app.page}api/runs/${encodeURIComponent(runId)}`)).json()) as TraceView;
  expect(await page.textContent(".trace-tokens")).toBe(`tokens ${trace.usage!.total_tokens} (${trace.usage!.input_tokens} in, ${trace.usage!.output_tokens} out)`);
  // Picking the writer shows its streamed text, its inputs as collapsible JSON, and its own tokens.
  await page.locator(".waterfall .row", { hasText: "CountingChatModel" }).last().click();
  await waitFor(page, `document.querySelector(".details h3")?.textContent.startsWith("CountingChatModel")`);
  expect(await page.textContent(".details pre.stream")).toBe(trace.children[3].text);
  expect(await page.textContent(".details .facts")).toContain(`${trace.children[3].usage!.total_tokens} (`);
  const inputs = page.locator(".details .part", { hasText: "Inputs" }).locator("details.json").first();
  expect(await inputs.getAttribute("open")).not.toBeNull();
  await inputs.locator("summary").first().click();
  expect(await inputs.getAttribute("open")).toBeNull();
  await inputs.locator("summary").first().click();
  await screenshot(page, "agent-tree");
  expectNoProblems();
});

test("tokens appear on the page while the model streams them", async () => {
  app = await startViewer();
  const page = await open(app);
  const started = new Promise<string>((resolve) => app!.bus.once("chainStart", ({ runId }) => resolve(runId)));
  const done = runAgent(app.bus, "What should I pack for Paris?", { tokenDelayMs: 50 });
  // Opened by its address as soon as it starts (a link to a run works like a click in the list).
  const runId = await started;
  await page.evaluate(`location.hash = ${JSON.stringify(encodeURIComponent(runId))}`);
  await waitFor(page, `document.getElementById("trace").dataset.runId === ${JSON.stringify(runId)}`);
  // Record, in the page, what the planner's row shows and whether the trace still runs.
  await page.evaluate(`
    window.seen = [];
    window.recorder = setInterval(() => {
      const text = document.querySelector(".waterfall .stream-text");
      window.seen.push({ status: document.getElementById("trace").dataset.status, text: text ? text.textContent : "" });
    }, 15);
  `);
  await waitFor(page, `document.getElementById("trace").dataset.status === "running" && (document.querySelector(".waterfall .stream-text")?.textContent.length ?? 0) > 5`);
  await screenshot(page, "streaming");
  await done;
  await waitFor(page, `document.getElementById("trace").dataset.status === "success"`);
  const seen = await page.evaluate<{ status: string; text: string }[]>(`clearInterval(window.recorder), window.seen`);
  const plan = "I will check the guides, then the weather.";
  const whileRunning = [...new Set(seen.filter((s) => s.status === "running" && s.text !== "").map((s) => s.text))];
  // Several partial texts were shown before the run ended, each a longer prefix of the reply.
  expect(whileRunning.filter((text) => text.length < plan.length).length).toBeGreaterThanOrEqual(3);
  for (const text of whileRunning) expect(plan.startsWith(text)).toBe(true);
  expect(await page.textContent(".waterfall .stream-text")).toBe(plan);
  expectNoProblems();
});

test("an error run shows its message in red, on the run that failed and on the root", async () => {
  app = await startViewer();
  const page = await open(app);
  const error = await runFailingBooking(app.bus);
  const row = page.locator("#run-rows tr", { hasText: "booking" });
  await row.waitFor();
  expect(await row.locator(".status").textContent()).toBe("error");
  await pick(page, "booking");
  await waitFor(page, `document.getElementById("trace").dataset.status === "error"`);
  const messages = await page.locator(".waterfall .error-message").allTextContents();
  expect(messages).toEqual([`Error: ${error.message}`, "Error: Chez Janou is fully booked tonight"]);
  const red = await page.evaluate(`getComputedStyle(document.querySelector(".waterfall .error-message")).color`);
  expect(red).toBe("rgb(198, 40, 40)");
  expect(await page.textContent(".details .error-box")).toBe(`Error: ${error.message}`);
  await screenshot(page, "error");
  expectNoProblems();
});

test("a page opened after the run ended shows it whole, from the run log when the viewer no longer keeps it", async () => {
  const bus = new CallbackBus({ log: new MemoryRunLog() });
  app = await startViewer({ bus, maxTraces: 1 });
  await runAgent(bus, "What should I pack for Paris?", { tokenDelayMs: 0 });
  runWithManagers(bus, { name: "later-batch", children: 2, tokens: 3 });
  const page = await open(app);
  await pick(page, "travel-agent");
  await waitFor(page, `document.getElementById("trace").dataset.status === "success"`);
  expect((await treeRows(page)).map(([depth, kind]) => [depth, kind])).toEqual([
    [0, "chain"],
    [1, "retriever"],
    [1, "chat_model"],
    [1, "tool"],
    [1, "chat_model"],
  ]);
  expect(await page.textContent(".trace-head .notes")).toContain("read from the run log");
  expect(await page.locator(".waterfall .stream-text").first().textContent()).toBe("I will check the guides, then the weather.");
  // The run the viewer still keeps, opened late too.
  await pick(page, "later-batch");
  await waitFor(page, `document.querySelectorAll(".waterfall .row:not(.axis)").length === 3`);
  await screenshot(page, "late-page");
  expectNoProblems();
  await bus.log!.close();
});

test("names, tags, inputs and errors that look like HTML stay text", async () => {
  app = await startViewer();
  const page = await open(app);
  const xss = "<img src=x onerror=alert(1)>";
  const manager = new CallbackManager(undefined, { bus: app.bus });
  const root = manager.handleChainStart({ name: xss }, { html: "<script>alert(2)</script>", [xss]: xss }, undefined, undefined, ["<b>bold</b>"], { note: "<svg onload=alert(3)>" });
  const [llm] = root.getChild().handleLLMStart({ name: "<iframe src=javascript:alert(4)>" }, ["<i>hi</i>"]);
  llm.handleLLMNewToken("<u>token</u>");
  llm.handleLLMError(new Error("<img src=y onerror=alert(5)>"));
  root.handleChainError(new Error("<marquee>boom</marquee>"));
  await pick(page, xss);
  await waitFor(page, `document.getElementById("trace").dataset.status === "error"`);
  expect(await page.textContent("#run-rows tr .name")).toBe(`chain ${xss}`);
  expect(await page.textContent("#run-rows tr .tag")).toBe("<b>bold</b>");
  expect(await page.textContent(".trace-head h2")).toBe(xss);
  expect(await page.textContent(".waterfall .stream-text")).toBe("<u>token</u>");
  expect(await page.locator(".waterfall .error-message").allTextContents()).toEqual(["Error: <marquee>boom</marquee>", "Error: <img src=y onerror=alert(5)>"]);
  expect(await page.locator(".details").textContent()).toContain(`"<script>alert(2)</script>"`);
  const injected = await page.evaluate(`document.querySelectorAll("img, script:not([src]), iframe, svg, marquee, b, i, u").length`);
  expect(injected).toBe(0);
  await screenshot(page, "xss");
  expectNoProblems();
});

test("the filters narrow the list by status, name, tag and metadata", async () => {
  app = await startViewer();
  const manager = new CallbackManager(undefined, { bus: app.bus });
  runWithManagers(app.bus, { name: "nightly-report", tags: ["batch"], metadata: { user: "ada", tier: 1 } });
  runWithManagers(app.bus, { name: "chat-turn", tags: ["chat"], metadata: { user: "grace" } });
  manager.handleChainStart({ name: "chat-stream" }, {}, undefined, undefined, ["chat"], { user: "ada" });
  manager.handleChainStart({ name: "bad-turn" }, {}, undefined, undefined, ["chat"], { user: "linus" }).handleChainError(new Error("nope"));
  const page = await open(app);
  const names = async () => page.locator("#run-rows .name").allTextContents();
  await waitFor(page, `document.querySelectorAll("#run-rows tr").length === 4`);
  expect(await names()).toEqual(["chain bad-turn", "chain chat-stream", "chain chat-turn", "chain nightly-report"]);
  await page.selectOption("#filter-status", "running");
  expect(await names()).toEqual(["chain chat-stream"]);
  await page.selectOption("#filter-status", "error");
  expect(await names()).toEqual(["chain bad-turn"]);
  await page.selectOption("#filter-status", "");
  await page.fill("#filter-tag", "chat");
  expect(await names()).toEqual(["chain bad-turn", "chain chat-stream", "chain chat-turn"]);
  await page.fill("#filter-metadata", "user=ada");
  expect(await names()).toEqual(["chain chat-stream"]);
  await page.fill("#filter-tag", "");
  expect(await names()).toEqual(["chain chat-stream", "chain nightly-report"]);
  await page.fill("#filter-metadata", "tier=1");
  expect(await names()).toEqual(["chain nightly-report"]);
  await page.fill("#filter-metadata", "");
  await page.fill("#filter-name", "TURN");
  expect(await names()).toEqual(["chain bad-turn", "chain chat-turn"]);
  expect(await page.textContent("#run-count")).toBe("2 of 4 runs");
  await screenshot(page, "filters");
  expectNoProblems();
});

test("a trace is exported as a JSON file", async () => {
  app = await startViewer();
  const runId = runWithManagers(app.bus, { name: "exported", children: 2, tokens: 2 });
  const page = await open(app);
  await pick(page, "exported");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(".export")]);
  expect(download.suggestedFilename()).toBe(`trace-${runId}.json`);
  const saved = JSON.parse(readFileSync((await download.path()), "utf8")) as TraceView;
  expect(saved).toMatchObject({ runId, name: "exported", status: "success" });
  expect(saved.children.map((child) => child.name)).toEqual(["summarise-0", "summarise-1"]);
  await screenshot(page, "export");
  expectNoProblems();
});

test("1,000 runs in the list and a trace of 2,000 events render without freezing the page", async () => {
  app = await startViewer();
  for (let i = 0; i < 999; i++) runWithManagers(app.bus, { name: `run-${i}`, tags: [i % 2 === 0 ? "even" : "odd"], metadata: { i } });
  const bigId = runWithManagers(app.bus, { name: "big-trace", children: 100, tokens: 18 });
  const trace = (await (await fetch(`${app.page}api/runs/${bigId}`)).json()) as TraceView;
  const events = trace.events.length + trace.children.reduce((sum, child) => sum + child.events.length, 0);
  expect(events).toBeGreaterThanOrEqual(2_000);

  const started = Date.now();
  const page = await open(app);
  await waitFor(page, `document.querySelectorAll("#run-rows tr").length === 1000`);
  const listShown = Date.now() - started;
  const listRender = await page.evaluate<number>(`Math.max(...performance.getEntriesByName("callbus:list-render").map((e) => e.duration))`);
  const filterStart = Date.now();
  await page.fill("#filter-tag", "even");
  await waitFor(page, `document.querySelectorAll("#run-rows tr").length === 500`);
  const filterShown = Date.now() - filterStart;
  await page.fill("#filter-tag", "");

  const pickStart = Date.now();
  await pick(page, "big-trace");
  await waitFor(page, `document.querySelectorAll(".waterfall .row:not(.axis)").length === 101`);
  const traceShown = Date.now() - pickStart;
  const traceRender = await page.evaluate<number>(`Math.max(...performance.getEntriesByName("callbus:trace-render").map((e) => e.duration))`);
  const traceRead = await page.evaluate<number>(`performance.getEntriesByName("callbus:trace-shown").at(-1).duration`);
  // The page still answers at once after both renders.
  const pingStart = Date.now();
  await page.evaluate("1 + 1");
  const ping = Date.now() - pingStart;
  expect(await page.locator(".waterfall .mark-customEvent").count()).toBe(100);
  await screenshot(page, "many-runs");
  console.log(
    [
      `run viewer render times (headless Chromium, ${events} events in the trace):`,
      `  1,000-run list: shown ${listShown} ms after opening the page, render ${listRender.toFixed(1)} ms`,
      `  filter to 500 runs: shown in ${filterShown} ms`,
      `  2,000-event trace (101 runs): read and drawn ${traceRead.toFixed(1)} ms after the pick (render ${traceRender.toFixed(1)} ms); ${traceShown} ms as the test saw it`,
      `  page answered a script call ${ping} ms after`,
    ].join("\n"),
  );
  expectNoProblems();
});
