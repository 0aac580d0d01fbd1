/**
 * A callbus manager in LangChain.js `callbacks`: `run.getChild().asLangChainHandler()` nests a
 * real LangChain.js model run under the callbus run, with the manager's handlers, tags and
 * metadata, while it streams.
 */
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { RunCollectorCallbackHandler } from "@langchain/core/tracers/run_collector";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { CallbackBus, CallbackManager, traceAsChainGroup, type CallbackEventName, type RunEvent } from "callbus";
import { Recorder } from "./recorder";

async function settle(bus: CallbackBus): Promise<void> {
  await awaitAllCallbacks();
  await bus.flush();
}

describe("manager.asLangChainHandler()", () => {
  test("a streamed FakeListChatModel run is a child of the callbus run, on the bus and for the manager's handlers", async () => {
    const bus = new CallbackBus();
    const collector = new RunCollectorCallbackHandler();
    const local = new Recorder();
    const manager = CallbackManager.configure([collector], [local], { bus, inheritableTags: ["svc"], inheritableMetadata: { tenant: "t1" } });
    const run = manager.handleChainStart({ name: "request" }, { question: "hi" });
    const heard: { event: CallbackEventName; payload: RunEvent }[] = [];
    const tokens: string[] = [];
    const scope = bus.run(run.runId, { descendants: true });
    for (const event of ["chatModelStart", "llmNewToken", "llmEnd"] as const) scope.on(event, (payload) => void heard.push({ event, payload }));
    scope.on("llmNewToken", ({ token }) => void tokens.push(token));

    const model = new FakeListChatModel({ responses: ["Paris"] });
    let answer = "";
    for await (const chunk of await model.stream("Capital of France?", { callbacks: [run.getChild("model-step").asLangChainHandler()] })) {
      answer += chunk.text;
    }
    run.handleChainEnd({ answer });
    await settle(bus);

    expect(answer).toBe("Paris");
    const start = heard.find((h) => h.event === "chatModelStart")!.payload;
    expect(start.parentRunId).toBe(run.runId);
    expect(start.tags).toEqual(["svc", "model-step"]);
    expect(start.metadata).toMatchObject({ tenant: "t1", ls_model_type: "chat" });
    expect(tokens.join("")).toBe("Paris");
    expect(heard.every((h) => h.payload.runId === start.runId && h.payload.parentRunId === run.runId)).toBe(true);
    expect(heard.at(-1)!.event).toBe("llmEnd");

    // The manager's tracer builds one tree: the LangChain.js run under the callbus run.
    expect(collector.tracedRuns).toHaveLength(1);
    const [root] = collector.tracedRuns;
    expect(root).toMatchObject({ id: run.runId, name: "request" });
    expect(root.child_runs?.map((c) => [c.id, c.name, c.run_type, c.parent_run_id])).toEqual([[start.runId, "FakeListChatModel", "llm", run.runId]]);
    // The local handler saw only the run it was given for, not the nested model run.
    expect(local.calls.map((c) => c.method)).toEqual(["handleChainStart", "handleChainEnd"]);
  });

  test("a LangChain.js root run gets the manager's local handlers and tags; its children only the inheritable ones", async () => {
    const bus = new CallbackBus();
    const inheritable = new Recorder();
    const local = new Recorder();
    const manager = new CallbackManager("outer-run", { bus, handlers: [inheritable, local], inheritableHandlers: [inheritable], tags: ["here", "everywhere"], inheritableTags: ["everywhere"] });
    const handler = manager.asLangChainHandler();
    handler.handleChainStart({ id: ["x", "Root"] }, {}, "lc-root", undefined, ["lc"], {});
    handler.handleChainStart({ id: ["x", "Child"] }, {}, "lc-child", "lc-root", ["lc"], {});
    handler.handleChainEnd({}, "lc-child", "lc-root", ["lc"]);
    handler.handleChainEnd({}, "lc-root", undefined, ["lc"]);
    await bus.flush();

    const starts = (r: Recorder) => r.calls.filter((c) => c.method === "handleChainStart").map((c) => [c.args[2], c.args[3], c.args[4]]);
    expect(starts(inheritable)).toEqual([
      ["lc-root", "outer-run", ["here", "everywhere", "lc"]],
      ["lc-child", "lc-root", ["everywhere", "lc"]],
    ]);
    expect(starts(local)).toEqual([["lc-root", "outer-run", ["here", "everywhere", "lc"]]]);
    expect(local.calls.map((c) => [c.method, c.args[1]])).toEqual([
      ["handleChainStart", {}],
      ["handleChainEnd", "lc-root"],
    ]);
  });
});

test("a chain group's manager nests LangChain.js runs under the group run", async () => {
  const bus = new CallbackBus();
  const starts: [string, string | undefined][] = [];
  bus.on("chatModelStart", (p) => void starts.push([p.name ?? "", p.parentRunId]));
  const groupRunId = await traceAsChainGroup(
    "group",
    async (group) => {
      await new FakeListChatModel({ responses: ["ok"] }).invoke("hi", { callbacks: [group.asLangChainHandler()] });
      return group.parentRunManager.runId;
    },
    { callbackManager: CallbackManager.configure([], undefined, { bus }) },
  );
  await settle(bus);
  expect(starts).toEqual([["FakeListChatModel", groupRunId]]);
});
