/** RunCollectorCallbackHandler keeps finished root runs as trees; the tracer base frees everything else. */
import { RunnableLambda } from "@langchain/core/runnables";
import { CallbackBus, CallbackManager } from "callbus";
import { RunCollectorCallbackHandler, type Run } from "callbus/handlers";

function manager(collector: RunCollectorCallbackHandler): CallbackManager {
  return CallbackManager.configure([collector], undefined, { bus: new CallbackBus() });
}

/** The tree without times, for exact comparison. */
function shape(run: Run): unknown {
  return {
    name: run.name,
    runType: run.runType,
    order: run.executionOrder,
    inputs: run.inputs,
    outputs: run.outputs,
    error: run.error,
    events: run.events.map((e) => (e.kwargs === undefined ? e.name : [e.name, e.kwargs])),
    children: run.childRuns.map(shape),
  };
}

describe("RunCollectorCallbackHandler", () => {
  test("a finished root run is kept as a tree with inputs, outputs, errors, events, tags and metadata", () => {
    const collector = new RunCollectorCallbackHandler();
    const cm = CallbackManager.configure([collector], undefined, {
      bus: new CallbackBus(),
      inheritableTags: ["app"],
      inheritableMetadata: { user: "u1" },
    });
    const chain = cm.handleChainStart({ name: "Pipeline" }, { question: "q" }, "root-1");
    const [llm] = chain.getChild("step").handleLLMStart({ id: ["llms", "FakeLLM"] }, ["prompt"], "llm-1");
    llm.handleLLMNewToken("He");
    llm.handleLLMNewToken("llo");
    llm.handleLLMEnd({ generations: [[{ text: "Hello" }]] });
    const tool = chain.getChild().handleToolStart({ name: "search" }, "query", "tool-1");
    tool.getChild().handleRetrieverStart({ name: "Docs" }, "query", "ret-1").handleRetrieverError(new Error("offline"));
    tool.handleToolError(new Error("tool failed"));
    chain.handleText("note");
    expect(collector.tracedRuns).toEqual([]);
    chain.handleChainEnd({ answer: "Hello" });

    expect(collector.tracedRuns).toHaveLength(1);
    const [root] = collector.tracedRuns;
    expect(shape(root)).toStrictEqual({
      name: "Pipeline",
      runType: "chain",
      order: 1,
      inputs: { question: "q" },
      outputs: { answer: "Hello" },
      error: undefined,
      events: ["start", ["text", { text: "note" }], "end"],
      children: [
        {
          name: "FakeLLM",
          runType: "llm",
          order: 2,
          inputs: { prompts: ["prompt"] },
          outputs: { generations: [[{ text: "Hello" }]] },
          error: undefined,
          events: ["start", ["new_token", { token: "He", idx: { prompt: 0, completion: 0 } }], ["new_token", { token: "llo", idx: { prompt: 0, completion: 0 } }], "end"],
          children: [],
        },
        {
          name: "search",
          runType: "tool",
          order: 3,
          inputs: { input: "query" },
          outputs: undefined,
          error: "tool failed",
          events: ["start", "error"],
          children: [
            { name: "Docs", runType: "retriever", order: 4, inputs: { query: "query" }, outputs: undefined, error: "offline", events: ["start", "error"], children: [] },
          ],
        },
      ],
    });
    expect(root.id).toBe("root-1");
    expect(root.parentRunId).toBeUndefined();
    expect(root.childRuns.map((c) => [c.id, c.parentRunId, c.traceId])).toEqual([
      ["llm-1", "root-1", "root-1"],
      ["tool-1", "root-1", "root-1"],
    ]);
    expect(root.childRuns[0].tags).toEqual(["app", "step"]);
    expect(root.childRuns[0].metadata).toEqual({ user: "u1" });
    expect(root.endTime).toBeGreaterThanOrEqual(root.startTime);
    expect(collector.activeRunCount).toBe(0);
  });

  test("each root is kept once, in the order roots finish; clear() lets them go", () => {
    const collector = new RunCollectorCallbackHandler();
    const cm = manager(collector);
    const a = cm.handleChainStart({ name: "A" }, {});
    const b = cm.handleChainStart({ name: "B" }, {});
    b.handleChainEnd({});
    a.handleChainEnd({});
    expect(collector.tracedRuns.map((r) => r.name)).toEqual(["B", "A"]);
    collector.clear();
    expect(collector.tracedRuns).toEqual([]);
  });

  test("runs that never ended are freed with their root; nothing else grows", () => {
    const collector = new RunCollectorCallbackHandler();
    const cm = manager(collector);
    for (let i = 0; i < 2000; i++) {
      const chain = cm.handleChainStart({ name: "C" }, { i });
      chain.getChild().handleToolStart({ name: "dangling" }, "x");
      chain.getChild().handleChainStart({ name: "inner" }, {}).handleChainEnd({});
      chain.handleChainEnd({});
      collector.clear();
    }
    expect(collector.activeRunCount).toBe(0);
    expect(collector.tracedRuns).toHaveLength(0);
  });

  test("a run whose parent it never saw is traced as a root", () => {
    const collector = new RunCollectorCallbackHandler();
    const cm = new CallbackManager("unknown-parent", { bus: new CallbackBus(), handlers: [collector] });
    cm.handleChainStart({ name: "Orphan" }, {}, "o1").handleChainEnd({});
    expect(collector.tracedRuns.map((r) => [r.id, r.parentRunId, r.traceId, r.executionOrder])).toEqual([["o1", "unknown-parent", "o1", 1]]);
  });

  test("collects the runs of a real LangChain.js runnable", async () => {
    const collector = new RunCollectorCallbackHandler();
    const inner = RunnableLambda.from((x: number) => x * 2).withConfig({ runName: "Double" });
    const outer = RunnableLambda.from(async (x: number, config) => (await inner.invoke(x, config)) + 1).withConfig({ runName: "Outer" });
    await expect(outer.invoke(20, { callbacks: [collector] })).resolves.toBe(41);
    expect(collector.tracedRuns).toHaveLength(1);
    const [root] = collector.tracedRuns;
    expect([root.name, root.runType, root.inputs, root.outputs]).toEqual(["Outer", "chain", { input: 20 }, { output: 41 }]);
    expect(root.childRuns.map((c) => [c.name, c.parentRunId, c.inputs, c.outputs])).toEqual([["Double", root.id, { input: 20 }, { output: 40 }]]);
    expect(collector.activeRunCount).toBe(0);
  });
});
