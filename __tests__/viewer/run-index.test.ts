/**
 * The viewer's memory of recent traces, fed by a real bus: bounded in traces and in events per
 * trace however many runs finish, and a trace is forgotten with every one of its run ids.
 */
import { CallbackBus, type AnyListener } from "callbus";
import { RunIndex } from "../../lib/express/viewer/run-index";
import { redactedKeys } from "../../lib/express/json-copy";
import { runWithManagers } from "../../examples/viewer/sample-runs";

function follow(bus: CallbackBus, index: RunIndex): void {
  const listener: AnyListener = (event, payload) => {
    index.add(event, payload, Date.now());
  };
  bus.onAny(listener);
}

test("5,000 finished traces leave at most maxTraces traces and their run ids", () => {
  const bus = new CallbackBus();
  const index = new RunIndex({ maxTraces: 100, maxEventsPerTrace: 1_000 }, redactedKeys(undefined));
  follow(bus, index);
  const ids: string[] = [];
  for (let i = 0; i < 5_000; i++) ids.push(runWithManagers(bus, { name: `run-${i}`, children: 3, tokens: 2 }));
  expect(index.size).toBe(100);
  expect(index.runCount).toBe(400); // each root and its three children
  expect(index.summaries(1_000).map((run) => run.name)).toEqual(Array.from({ length: 100 }, (_, i) => `run-${4_999 - i}`));
  expect(index.tree(ids[4_899])).toBeUndefined();
  expect(index.tree(ids[4_900])?.children).toHaveLength(3);
});

test("a trace past maxEventsPerTrace keeps its starts and ends and counts what it dropped", () => {
  const bus = new CallbackBus();
  const index = new RunIndex({ maxTraces: 10, maxEventsPerTrace: 100 }, redactedKeys(undefined));
  follow(bus, index);
  const id = runWithManagers(bus, { name: "long", children: 10, tokens: 50 });
  const tree = index.tree(id)!;
  const kept = tree.events.length + tree.children.reduce((sum, child) => sum + child.events.length, 0);
  // 2 + 10 × (start, custom event, 50 tokens, end) = 532 events heard.
  expect(kept + tree.droppedEvents).toBe(532);
  expect(kept).toBeLessThanOrEqual(200);
  expect(tree.children.map((child) => child.status)).toEqual(Array(10).fill("success"));
  expect(tree.status).toBe("success");
  expect(tree.usage!.output_tokens).toBe(500); // usage is counted even where tokens were dropped
  expect(index.isPartial(id)).toBe(true);
});

test("a run whose parent the index never saw starts a trace of its own, and events of unknown runs are ignored", () => {
  const bus = new CallbackBus();
  const index = new RunIndex({ maxTraces: 10, maxEventsPerTrace: 100 }, redactedKeys(undefined));
  follow(bus, index);
  bus.emit("llmNewToken", { runId: "never-started", tags: [], metadata: {}, token: "x", idx: { prompt: 0, completion: 0 } });
  expect(index.size).toBe(0);
  bus.emit("chainStart", { runId: "orphan", parentRunId: "elsewhere", tags: [], metadata: {}, serialized: {}, inputs: {}, name: "orphan" });
  expect(index.summaries(10).map((run) => [run.runId, run.status])).toEqual([["orphan", "running"]]);
  expect(index.tree("orphan")?.parentRunId).toBe("elsewhere");
});
