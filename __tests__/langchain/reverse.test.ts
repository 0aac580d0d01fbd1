/**
 * callbus -> LangChain.js: LangChain.js's own handlers and tracers attached to callbus managers
 * or to the bus get the arguments LangChain.js would give them, and build the same run trees.
 */
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda, RunnableSequence } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { RunCollectorCallbackHandler } from "@langchain/core/tracers/run_collector";
import { ConsoleCallbackHandler } from "@langchain/core/tracers/console";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { CallbackBus, CallbackManager, AsyncCallbackManager } from "callbus";
import { Recorder } from "./recorder";
import { isOldestLangChain } from "./langchain-version";

/** LangChain.js's run collector, with a look at the runs it holds. */
class Collector extends RunCollectorCallbackHandler {
  runOf(runId: string) {
    return this.getRunById(runId);
  }
}

async function settle(bus: CallbackBus): Promise<void> {
  await awaitAllCallbacks();
  await bus.flush();
}

/** The parts of a traced run that do not depend on the clock. */
interface RunShape {
  id: string;
  name: string;
  run_type: string;
  parent_run_id: string | undefined;
  inputs: unknown;
  outputs: unknown;
  error: unknown;
  tags: unknown;
  extra: unknown;
  events: string[];
  ended: boolean;
  children: RunShape[];
}

/** What the tests read of a traced run (LangChain's `Run`, as `tracedRuns` types it). */
interface TracedRun {
  id?: string;
  name: string;
  run_type: string;
  parent_run_id?: string;
  inputs: unknown;
  outputs?: unknown;
  error?: unknown;
  tags?: unknown;
  extra?: unknown;
  events?: { name?: string }[];
  start_time?: number | string;
  end_time?: number | string;
  child_runs?: TracedRun[];
}

function shape(run: TracedRun): RunShape {
  return {
    id: run.id!,
    name: run.name,
    run_type: run.run_type,
    parent_run_id: run.parent_run_id,
    inputs: run.inputs,
    outputs: run.outputs,
    error: run.error,
    tags: run.tags,
    extra: run.extra,
    events: (run.events ?? []).map((e) => String(e.name)),
    ended: typeof run.end_time === "number" && typeof run.start_time === "number" && run.end_time >= run.start_time,
    children: (run.child_runs ?? []).map(shape),
  };
}

function pipeline() {
  const prompt = ChatPromptTemplate.fromMessages([["human", "{question}"]]);
  const model = new FakeListChatModel({ responses: ["Paris"] });
  const shout = tool(async (input) => (input as { text: string }).text.toUpperCase(), {
    name: "shout",
    description: "Upper-cases text",
    schema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  });
  return RunnableSequence.from([prompt, model, new StringOutputParser(), RunnableLambda.from((text: string, config) => shout.invoke({ text }, config))]).withConfig({
    runName: "answer",
  });
}

describe("LangChain.js handlers on callbus", () => {
  test("RunCollectorCallbackHandler builds the run tree of runs made with callbus's managers", async () => {
    const bus = new CallbackBus();
    const collector = new Collector();
    const manager = CallbackManager.configure([collector], undefined, { bus, inheritableTags: ["svc"], inheritableMetadata: { team: "geo" } });

    const chain = manager.handleChainStart({ id: ["callbus", "chains", "Planner"] }, { question: "Capital of France?" }, undefined, undefined, undefined, undefined, "planner", undefined, { origin: "test" });
    const [llm] = chain.getChild("llm-step").handleChatModelStart({ id: ["callbus", "models", "EchoModel"] }, [[new HumanMessage("Capital of France?")]]);
    // As with LangChain.js's manager, the tracer holds the run as soon as the start returns,
    // while its own (async) start calls still wait their turn.
    expect(collector.runOf(llm.runId)).toMatchObject({ name: "EchoModel", parent_run_id: chain.runId });
    llm.handleLLMNewToken("Par", { prompt: 0, completion: 0 });
    llm.handleLLMNewToken("is", { prompt: 0, completion: 0 });
    llm.handleLLMEnd({ generations: [[{ text: "Paris", message: new AIMessage("Paris") }]] });
    const toolRun = chain.getChild().handleToolStart({ name: "lookup", id: ["callbus", "tools", "Lookup"] }, { city: "Paris" });
    toolRun.handleToolEnd("population 2.1M");
    chain.handleChainEnd({ answer: "Paris, population 2.1M" });
    await settle(bus);

    expect(collector.tracedRuns).toHaveLength(1);
    const root = shape(collector.tracedRuns[0]);
    expect(root).toMatchObject({
      id: chain.runId,
      name: "planner",
      run_type: "chain",
      parent_run_id: undefined,
      inputs: { question: "Capital of France?" },
      outputs: { answer: "Paris, population 2.1M" },
      tags: ["svc"],
      // LangChain.js 1.0.2's tracer does not take the `extra` of a chain start.
      extra: isOldestLangChain ? { metadata: { team: "geo" } } : { origin: "test", metadata: { team: "geo" } },
      events: ["start", "end"],
      ended: true,
    });
    expect(root.children.map((c) => [c.name, c.run_type, c.parent_run_id])).toEqual([
      ["EchoModel", "llm", chain.runId],
      // No run name was given: LangChain.js's tracer names the tool by its own rule (the last id item).
      ["Lookup", "tool", chain.runId],
    ]);
    const [model, lookup] = root.children;
    expect(model).toMatchObject({ id: llm.runId, tags: ["svc", "llm-step"], events: ["start", "new_token", "new_token", "end"], ended: true });
    expect((model.outputs as { generations: { text: string }[][] }).generations[0][0].text).toBe("Paris");
    // The tracer's run keeps the tool input object (1.0.2's wraps it as `input`); its handleToolStart got the JSON text.
    expect(lookup).toMatchObject({ id: toolRun.runId, inputs: isOldestLangChain ? { input: { city: "Paris" } } : { city: "Paris" }, outputs: { output: "population 2.1M" }, ended: true });
  });

  test("with the async manager, errors end the tracer's runs with the error", async () => {
    const bus = new CallbackBus();
    const collector = new RunCollectorCallbackHandler();
    const manager = AsyncCallbackManager.configure([collector], undefined, { bus });
    const chain = await manager.handleChainStart({ id: ["callbus", "Flaky"] }, { input: 1 });
    const retriever = await chain.getChild().handleRetrieverStart({ id: ["callbus", "Index"] }, "flaky query");
    await retriever.handleRetrieverError(new Error("index offline"));
    await chain.handleChainError(new Error("index offline"));
    await settle(bus);

    const root = shape(collector.tracedRuns[0]);
    expect(root).toMatchObject({ name: "Flaky", run_type: "chain", events: ["start", "error"], ended: true });
    expect(root.error).toMatch(/^index offline/);
    expect(root.children).toHaveLength(1);
    expect(root.children[0]).toMatchObject({ name: "Index", run_type: "retriever", inputs: { query: "flaky query" }, events: ["start", "error"] });
    expect(root.children[0].error).toMatch(/^index offline/);
  });

  test("bus.attach(handler) gets exactly the calls LangChain.js makes on its own handlers", async () => {
    const bus = new CallbackBus();
    const direct = new Recorder();
    const viaBus = new Recorder();
    const detach = bus.attach(viaBus);
    const stream = await pipeline().stream({ question: "Capital of France?" }, { callbacks: [direct, bus.asLangChainHandler()] });
    for await (const _ of stream) void _;
    await settle(bus);
    detach();

    expect(direct.calls.length).toBeGreaterThan(10);
    expect(direct.calls.map((c) => c.method)).toContain("handleToolStart");
    // Where LangChain.js passes no run name (its chat models), neither does callbus.
    const chatStart = direct.calls.find((c) => c.method === "handleChatModelStart")!;
    expect(chatStart.args).toHaveLength(7);
    expect(viaBus.calls).toEqual(direct.calls);
  });

  test("a tracer attached to the bus builds the tree LangChain.js's tracer builds", async () => {
    const bus = new CallbackBus();
    const direct = new RunCollectorCallbackHandler();
    const viaBus = new RunCollectorCallbackHandler();
    bus.attach(viaBus);
    const answer = await pipeline().invoke({ question: "Capital of France?" }, { callbacks: [direct, bus.asLangChainHandler()] });
    await settle(bus);

    expect(answer).toBe("PARIS");
    expect(viaBus.tracedRuns).toHaveLength(1);
    const expected = shape(direct.tracedRuns[0]);
    const actual = shape(viaBus.tracedRuns[0]);
    // LangChain.js (after 1.0.2) hands its tracers the tool's input object, and every handler only its JSON text.
    const toolOf = (run: RunShape): RunShape => run.children.find((c) => c.name === "RunnableLambda")!.children[0];
    expect(toolOf(expected).inputs).toEqual(isOldestLangChain ? { input: JSON.stringify({ text: "Paris" }) } : { text: "Paris" });
    expect(toolOf(actual).inputs).toEqual({ input: JSON.stringify({ text: "Paris" }) });
    toolOf(actual).inputs = toolOf(expected).inputs;
    expect(actual).toEqual(expected);
    expect(actual.children.map((c) => c.run_type)).toEqual(["prompt", "llm", "parser", "chain"]);
  });

  test("ConsoleCallbackHandler prints callbus runs with their place in the tree", async () => {
    const bus = new CallbackBus();
    const lines: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
    try {
      const manager = CallbackManager.configure([new ConsoleCallbackHandler()], undefined, { bus });
      const chain = manager.handleChainStart({ id: ["callbus", "Outer"] }, { input: "hi" });
      const [llm] = chain.getChild().handleLLMStart({ id: ["callbus", "Echo"] }, ["hi"]);
      llm.handleLLMEnd({ generations: [[{ text: "hi" }]] });
      chain.handleChainEnd({ output: "hi" });
      await settle(bus);
    } finally {
      log.mockRestore();
    }
    const plain = lines.map((l) => l.replace(/\u001b\[[0-9;]*m/g, ""));
    expect(plain.map((l) => l.slice(0, l.indexOf("]", l.indexOf("]") + 1) + 1))).toEqual([
      "[chain/start] [1:chain:Outer]",
      "[llm/start] [1:chain:Outer > 2:llm:Echo]",
      "[llm/end] [1:chain:Outer > 2:llm:Echo]",
      "[chain/end] [1:chain:Outer]",
    ]);
  });

  test("a LangChain.js handler on a callbus manager gets a tool's input as JSON text, as from LangChain.js", () => {
    const bus = new CallbackBus();
    const recorder = new Recorder();
    const plain: unknown[] = [];
    const manager = CallbackManager.configure([recorder, { name: "plain", handleToolStart: (_s: unknown, input: unknown) => void plain.push(input) }], undefined, { bus });
    manager.handleToolStart({ name: "lookup" }, { city: "Paris" }, "run-tool");
    expect(recorder.calls).toEqual([{ method: "handleToolStart", args: [{ name: "lookup" }, '{"city":"Paris"}', "run-tool", undefined, [], {}] }]);
    // callbus's own and plain handlers keep the object.
    expect(plain).toEqual([{ city: "Paris" }]);
  });

  test("a plain object of methods on a callbus manager gets handleChainStart in LangChain.js's call order", () => {
    const bus = new CallbackBus();
    const calls: unknown[][] = [];
    const manager = CallbackManager.configure([{ handleChainStart: (...args: unknown[]) => void calls.push(args) }], undefined, { bus });
    const parent = manager.handleChainStart({ id: ["x", "Parent"] }, { a: 1 }, "run-parent", "agent", ["t"], { m: 1 }, "parent", undefined, { extra: true });
    parent.getChild().handleChainStart({ id: ["x", "Child"] }, { b: 2 }, "run-child");
    expect(calls[0]).toEqual([{ id: ["x", "Parent"] }, { a: 1 }, "run-parent", undefined, ["t"], { m: 1 }, "agent", "parent", { extra: true }]);
    expect(calls[1].slice(0, 4)).toEqual([{ id: ["x", "Child"] }, { b: 2 }, "run-child", "run-parent"]);
  });
});
