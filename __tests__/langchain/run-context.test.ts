/**
 * LangChain.js passes a run's metadata and tags only with its start; events from
 * `bus.asLangChainHandler()` carry them on every later event of that run, and the handler
 * forgets a run once it has ended.
 */
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { CallbackBus } from "callbus";

describe("run metadata and tags on every event of a LangChain.js run", () => {
  test("tokens can be told apart by the langgraph_node their run started with", async () => {
    const bus = new CallbackBus();
    const byNode = new Map<unknown, string>();
    bus.on("llmNewToken", ({ token, metadata, tags }) => {
      expect(tags).toContain("graph");
      byNode.set(metadata.langgraph_node, (byNode.get(metadata.langgraph_node) ?? "") + token);
    });
    const ends: Record<string, unknown>[] = [];
    bus.on("llmEnd", ({ metadata }) => void ends.push(metadata));
    const node = (name: string, reply: string) =>
      RunnableLambda.from(async (input: string, config) => {
        const model = new FakeListChatModel({ responses: [reply] });
        let text = "";
        for await (const chunk of await model.stream(input, config)) text += chunk.text;
        return text;
      }).withConfig({ runName: name, metadata: { langgraph_node: name } });

    const graph = RunnableLambda.from(async (input: string, config) => {
      const plan = await node("planner", "Look it up").invoke(input, config);
      return node("writer", "Paris").invoke(plan, config);
    });
    await graph.invoke("Capital of France?", { callbacks: [bus.asLangChainHandler()], tags: ["graph"] });
    await awaitAllCallbacks();
    await bus.flush();

    expect(Object.fromEntries(byNode)).toEqual({ planner: "Look it up", writer: "Paris" });
    expect(ends.map((m) => [m.langgraph_node, m.ls_model_type])).toEqual([
      ["planner", "chat"],
      ["writer", "chat"],
    ]);
  });

  test("a run's metadata is not kept after its end; a custom event adds its own on top", () => {
    const bus = new CallbackBus();
    const seen: [string, Record<string, unknown>, string[]][] = [];
    bus.onAny((event, payload) => {
      if ("metadata" in payload) seen.push([event, payload.metadata, payload.tags]);
    });
    const handler = bus.asLangChainHandler();
    handler.handleChainStart({ id: ["x", "Node"] }, {}, "run-1", undefined, ["t"], { node: "a" });
    handler.handleCustomEvent("progress", 1, "run-1", ["t"], { step: 1 });
    handler.handleChainEnd({}, "run-1", undefined, ["t"]);
    // The same id again, now without a start: nothing of the first run is left.
    handler.handleText("late", "run-1");
    expect(seen).toEqual([
      ["chainStart", { node: "a" }, ["t"]],
      ["customEvent", { node: "a", step: 1 }, ["t"]],
      ["chainEnd", { node: "a" }, ["t"]],
      ["text", {}, []],
    ]);
  });

  test("runs that never end are forgotten past 10,000 open ones, the oldest first", () => {
    const bus = new CallbackBus();
    const handler = bus.asLangChainHandler();
    for (let i = 0; i <= 10_000; i++) handler.handleChainStart({ id: ["x", "Open"] }, {}, `open-${i}`, undefined, [], { i });
    const texts: Record<string, unknown>[] = [];
    bus.on("text", ({ metadata }) => void texts.push(metadata));
    handler.handleText("first", "open-0");
    handler.handleText("second", "open-1");
    handler.handleText("last", "open-10000");
    expect(texts).toEqual([{}, { i: 1 }, { i: 10_000 }]);
  });
});
