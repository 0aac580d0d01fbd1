/**
 * With a shared RedisRunLog, the viewer of one instance lists and shows the runs of another:
 * instance A runs a LangChain.js agent, instance B (its own bus, no run of its own) serves the
 * viewer, and the page on B shows A's run whole, with the times the log's ids carry.
 */
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { CallbackBus } from "callbus";
import type { RunSummary, TraceView } from "callbus/express";
import { RedisRunLog } from "callbus/redis";
import { launchBrowser } from "../support/browser";
import { testRedisUrl } from "../setup/test-redis";
import { uniquePrefix } from "../redis/instance";
import { runAgent, runFailingBooking } from "../../examples/viewer/sample-runs";
import { getJson, screenshot, startViewer, type ViewerApp } from "./support";

let browser: Browser | undefined;
let logs: RedisRunLog[] = [];
let viewerApp: ViewerApp | undefined;

afterEach(async () => {
  await browser?.close();
  browser = undefined;
  await viewerApp?.close();
  viewerApp = undefined;
  for (const log of logs) await log.close();
  logs = [];
});

test("the viewer on instance B lists and shows, whole, the runs instance A ran", async () => {
  // Unique across the jest projects too, which run this file in the same process.
  const prefix = `${uniquePrefix("viewer")}-${randomUUID()}`;
  const logA = new RedisRunLog({ url: testRedisUrl(), prefix, onError: () => undefined });
  const logB = new RedisRunLog({ url: testRedisUrl(), prefix, onError: () => undefined });
  logs = [logA, logB];
  const busA = new CallbackBus({ log: logA });
  viewerApp = await startViewer({ bus: new CallbackBus({ log: logB }) });

  const answer = await runAgent(busA, "What should I pack for Paris?", { tokenDelayMs: 3, tags: ["agent"], metadata: { instance: "A" } });
  await runFailingBooking(busA);
  expect(await logA.flush()).toBe(true);

  const list = (await getJson<RunSummary[]>(`${viewerApp.page}api/runs`)).body;
  expect(list.map((run) => [run.name, run.status])).toEqual([
    ["booking", "error"],
    ["travel-agent", "success"],
  ]);
  expect(list[1].metadata).toEqual({ instance: "A" });
  const trace = (await getJson<TraceView>(`${viewerApp.page}api/runs/${encodeURIComponent(list[1].runId)}`)).body;
  expect(trace.source).toBe("log");
  expect(trace.timesFromOrder).toBeUndefined();
  expect(trace.outputs).toEqual({ answer });
  expect(trace.children.map((child) => child.kind)).toEqual(["retriever", "chat_model", "tool", "chat_model"]);
  expect(trace.children[3].text).toBe(answer);
  // Times come from the stream ids: the model streamed for a while, after the retriever.
  expect(trace.children[1].endTime! - trace.children[1].startTime).toBeGreaterThan(0);
  expect(trace.children[3].startTime).toBeGreaterThanOrEqual(trace.children[1].endTime!);
  expect(trace.usage!.total_tokens).toBe(trace.children[1].usage!.total_tokens + trace.children[3].usage!.total_tokens);

  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${viewerApp.page}#${encodeURIComponent(list[1].runId)}`);
  const rows = page.locator(".waterfall .row:not(.axis)");
  await rows.nth(4).waitFor();
  expect(await page.locator(".waterfall .run-name").allTextContents()).toEqual(["travel-agent", "FakeRetriever", "CountingChatModel", "get_weather", "CountingChatModel"]);
  expect(await page.locator("#run-rows tr").count()).toBe(2);
  expect(await page.textContent(".trace-head .notes")).toBe("read from the run log");
  await screenshot(page, "other-instance");
});
