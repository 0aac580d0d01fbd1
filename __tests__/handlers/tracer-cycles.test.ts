/**
 * callbus's tracers (`ConsoleCallbackHandler`, `RunCollectorCallbackHandler`) never loop on a
 * parent cycle: a run whose parent chain leads back to it is taken as a root, a start that
 * reuses a live run's id hides that run until it ends, and each event is handled once.
 */
import { ConsoleCallbackHandler, RunCollectorCallbackHandler } from "callbus/handlers";
import { captureStdout } from "./capture";

/** The console's entries (one per `[kind/phase]` line, JSON bodies included) with elapsed times replaced, so they compare exactly. */
function lines(out: string): string[] {
  return out
    .trimEnd()
    .split(/\n(?=\[)/)
    .map((line) => line.replace(/\[(\d+ms|\d+\.\d\ds)\]/, "[T]"));
}

describe("parent cycles in callbus's tracers", () => {
  test("a run that names itself as parent is a root", async () => {
    const console = new ConsoleCallbackHandler({ colors: false });
    const collector = new RunCollectorCallbackHandler();
    const out = await captureStdout(() => {
      for (const tracer of [console, collector]) {
        tracer.handleChainStart({ name: "Self" }, {}, "a", "a");
        tracer.handleChainEnd({}, "a");
      }
    });
    expect(lines(out)).toEqual(["[chain/start] [1:chain:Self] Entering Chain run with input: {}", "[chain/end] [1:chain:Self] [T] Exiting Chain run with output: {}"]);
    expect(collector.tracedRuns.map((r) => [r.id, r.parentRunId, r.executionOrder])).toEqual([["a", undefined, 1]]);
    expect(console.activeRunCount + collector.activeRunCount).toBe(0);
  });

  test("a nested start that reuses the live outer id (and names it as parent) is a root; the outer run comes back after it", async () => {
    const console = new ConsoleCallbackHandler({ colors: false });
    const collector = new RunCollectorCallbackHandler();
    const out = await captureStdout(() => {
      for (const tracer of [console, collector]) {
        tracer.handleChainStart({ name: "Outer" }, {}, "x");
        tracer.handleChainStart({ name: "Inner" }, {}, "x", "x");
        tracer.handleToolStart({ name: "tool" }, "in", "t", "x");
        tracer.handleToolEnd("out", "t");
        tracer.handleChainEnd({ inner: true }, "x");
        tracer.handleToolStart({ name: "late" }, "in", "u", "x");
        tracer.handleToolEnd("done", "u");
        tracer.handleChainEnd({ outer: true }, "x");
      }
    });
    expect(lines(out)).toEqual([
      "[chain/start] [1:chain:Outer] Entering Chain run with input: {}",
      "[chain/start] [1:chain:Inner] Entering Chain run with input: {}",
      '[tool/start] [1:chain:Inner > 2:tool:tool] Entering Tool run with input: "in"',
      '[tool/end] [1:chain:Inner > 2:tool:tool] [T] Exiting Tool run with output: "out"',
      '[chain/end] [1:chain:Inner] [T] Exiting Chain run with output: {\n  "inner": true\n}',
      '[tool/start] [1:chain:Outer > 2:tool:late] Entering Tool run with input: "in"',
      '[tool/end] [1:chain:Outer > 2:tool:late] [T] Exiting Tool run with output: "done"',
      '[chain/end] [1:chain:Outer] [T] Exiting Chain run with output: {\n  "outer": true\n}',
    ]);
    const [inner, outer] = collector.tracedRuns;
    expect([inner.name, inner.parentRunId, inner.childRuns.map((r) => r.name), inner.outputs]).toEqual(["Inner", undefined, ["tool"], { inner: true }]);
    expect([outer.name, outer.parentRunId, outer.childRuns.map((r) => r.name), outer.outputs]).toEqual(["Outer", undefined, ["late"], { outer: true }]);
    expect(console.activeRunCount + collector.activeRunCount).toBe(0);
  });

  test("a start of a live run's id under one of its own descendants is a root", async () => {
    const console = new ConsoleCallbackHandler({ colors: false });
    const out = await captureStdout(() => {
      console.handleChainStart({ name: "A" }, {}, "a");
      console.handleChainStart({ name: "B" }, {}, "b", "a");
      console.handleChainStart({ name: "A again" }, {}, "a", "b");
      console.handleChainStart({ name: "C" }, {}, "c", "a");
      console.handleChainEnd({}, "c");
      console.handleChainEnd({}, "a");
      console.handleChainEnd({}, "b");
      console.handleChainEnd({}, "a");
    });
    expect(lines(out)).toEqual([
      "[chain/start] [1:chain:A] Entering Chain run with input: {}",
      "[chain/start] [1:chain:A > 2:chain:B] Entering Chain run with input: {}",
      "[chain/start] [1:chain:A again] Entering Chain run with input: {}",
      "[chain/start] [1:chain:A again > 2:chain:C] Entering Chain run with input: {}",
      "[chain/end] [1:chain:A again > 2:chain:C] [T] Exiting Chain run with output: {}",
      "[chain/end] [1:chain:A again] [T] Exiting Chain run with output: {}",
      "[chain/end] [1:chain:A > 2:chain:B] [T] Exiting Chain run with output: {}",
      "[chain/end] [1:chain:A] [T] Exiting Chain run with output: {}",
    ]);
    expect(console.activeRunCount).toBe(0);
  });

  test("a real LangChain.js nested invoke that reuses the outer run id prints each run once and ends", async () => {
    const { RunnableLambda } = await import("@langchain/core/runnables");
    const { awaitAllCallbacks } = await import("@langchain/core/callbacks/promises");
    const outerId = "0f0f0f0f-0000-4000-8000-000000000001";
    const inner = RunnableLambda.from((x: number) => x + 1).withConfig({ runName: "Inner" });
    const outer = RunnableLambda.from(async (x: number, config?: Parameters<typeof inner.invoke>[1]) => inner.invoke(x, { callbacks: config?.callbacks, runId: outerId })).withConfig({
      runName: "Outer",
    });
    const console = new ConsoleCallbackHandler({ colors: false });
    const collector = new RunCollectorCallbackHandler();
    const out = await captureStdout(async () => {
      expect(await outer.invoke(1, { runId: outerId, callbacks: [console, collector] })).toBe(2);
      await awaitAllCallbacks();
    });
    expect(lines(out)).toEqual([
      "[chain/start] [1:chain:Outer] Entering Chain run with input: {\n  \"input\": 1\n}",
      "[chain/start] [1:chain:Inner] Entering Chain run with input: {\n  \"input\": 1\n}",
      "[chain/end] [1:chain:Inner] [T] Exiting Chain run with output: {\n  \"output\": 2\n}",
      "[chain/end] [1:chain:Outer] [T] Exiting Chain run with output: {\n  \"output\": 2\n}",
    ]);
    expect(collector.tracedRuns.map((r) => r.name)).toEqual(["Inner", "Outer"]);
    expect(console.activeRunCount + collector.activeRunCount).toBe(0);
  });
});
