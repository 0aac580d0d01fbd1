/**
 * `bus.endRun(runId, reason?)` and `idleRunTimeoutMs`: live descendants end first, deepest
 * first, then the run, each with the error event of its kind carrying the reason; scopes,
 * iterators and attached tracers see the end; abandoned LangChain.js streams are ended by the
 * idle expiry; an Express route that opts in ends a disconnected client's runs.
 */
import http from "node:http";
import express from "express";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableSequence } from "@langchain/core/runnables";
import { CallbackBus, CallbackManager, RunCancelledError, RunExpiredError, type BusEventItem, type CallbackEventName, type CallbackManagerForChainRun } from "callbus";
import { RunCollectorCallbackHandler } from "callbus/handlers";
import { callbus } from "callbus/express";
import { listen } from "../express/helpers";

type Ended = { event: CallbackEventName; runId: string; error: unknown };

/** The error events the bus hears, in order. */
function errorsOn(bus: CallbackBus): Ended[] {
  const ended: Ended[] = [];
  for (const event of ["chainError", "llmError", "toolError", "retrieverError"] as const) {
    bus.on(event, ({ runId, error }) => void ended.push({ event, runId, error }));
  }
  return ended;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

describe("bus.endRun()", () => {
  test("ends the live descendants deepest first, then the run, each with its kind's error event and the reason", async () => {
    const bus = new CallbackBus({ idleRunTimeoutMs: 0 });
    const ended = errorsOn(bus);
    const collector = new RunCollectorCallbackHandler();
    bus.attach(collector);
    const manager = new CallbackManager(undefined, { bus });
    const root = manager.handleChainStart({ name: "root" }, {}, "root");
    const child = root.getChild().handleChainStart({ name: "child" }, {}, "child");
    const [llm] = child.getChild().handleLLMStart({ name: "model" }, ["p"], "llm");
    child.getChild().handleToolStart({ name: "tool" }, "in", "tool").handleToolEnd("done");
    root.getChild().handleRetrieverStart({ name: "docs" }, "q", "retriever");
    const tree = bus.events({ runId: "root", descendants: true });
    const items: string[] = [];
    const drained = (async () => {
      for await (const item of tree as AsyncIterable<BusEventItem>) items.push(`${item.event}:${item.payload.runId}`);
    })();

    expect(bus.endRun("root")).toBe(true);
    expect(ended.map(({ event, runId }) => `${event}:${runId}`)).toEqual(["llmError:llm", "retrieverError:retriever", "chainError:child", "chainError:root"]);
    const reason = ended[0].error;
    expect(reason).toBeInstanceOf(RunCancelledError);
    expect(reason).toMatchObject({ runId: "root", code: "CALLBUS_RUN_CANCELLED" });
    expect(ended.every((e) => e.error === reason)).toBe(true);
    await drained;
    expect(items).toEqual(["llmError:llm", "retrieverError:retriever", "chainError:child", "chainError:root"]);
    expect([bus.activeRuns, bus.activeScopes]).toEqual([0, 0]);
    expect(collector.tracedRuns.map((run) => [run.name, run.error === undefined ? "no error" : "error"])).toEqual([["root", "error"]]);

    // Ended, or never known: false. What the ended runs still send is dropped, not thrown.
    expect(bus.endRun("root")).toBe(false);
    expect(bus.endRun("nobody")).toBe(false);
    llm.handleLLMEnd({ generations: [] });
    root.handleChainEnd({});
    expect(ended).toHaveLength(4);
    expect(() => bus.endRun("")).toThrow(TypeError);
  });

  test("a given reason is carried as it is; a run a reused id hid is ended too", () => {
    const bus = new CallbackBus({ idleRunTimeoutMs: 0 });
    const ended = errorsOn(bus);
    const base = { tags: [], metadata: {}, serialized: { id: ["c"] }, inputs: {} };
    bus.emit("chainStart", { ...base, runId: "x" });
    bus.emit("chainStart", { ...base, runId: "x", parentRunId: "x" });
    const reason = new Error("user pressed stop");
    expect(bus.endRun("x", reason)).toBe(true);
    expect(ended).toEqual([
      { event: "chainError", runId: "x", error: reason },
      { event: "chainError", runId: "x", error: reason },
    ]);
    expect(bus.activeRuns).toBe(0);
    expect(() => bus.endRun("x", "stop" as unknown as Error)).toThrow(/takes an Error/);
  });
});

describe("idleRunTimeoutMs", () => {
  test("runs of LangChain.js streams abandoned with break are ended by the bus with a RunExpiredError", async () => {
    const bus = new CallbackBus({ idleRunTimeoutMs: 100 });
    const ended = errorsOn(bus);
    const chain = RunnableSequence.from([ChatPromptTemplate.fromMessages([["human", "{q}"]]), new FakeListChatModel({ responses: ["one two three four"] }), new StringOutputParser()]);
    const roots = new Set<string>();
    bus.on("chainStart", ({ runId, parentRunId }) => void (parentRunId === undefined && roots.add(runId)));
    for (let i = 0; i < 10; i++) {
      for await (const chunk of await chain.stream({ q: "hi" }, { callbacks: [bus.asLangChainHandler()] })) {
        expect(chunk).toBe("o");
        break;
      }
    }
    const open = bus.activeRuns;
    expect(open).toBeGreaterThanOrEqual(20);
    await until(() => bus.activeRuns === 0, "the abandoned runs expire");
    expect(ended).toHaveLength(open);
    expect(ended.every((e) => e.error instanceof RunExpiredError)).toBe(true);
    // Each root ends after its descendants, with an error naming it.
    for (const root of roots) {
      const at = ended.findIndex((e) => e.runId === root);
      expect(ended[at]).toMatchObject({ event: "chainError", error: { runId: root, idleMs: 100 } });
    }
  });

  test("a run whose descendant is still busy is not idle", async () => {
    const bus = new CallbackBus({ idleRunTimeoutMs: 400 });
    const manager = new CallbackManager(undefined, { bus });
    const root = manager.handleChainStart({}, {}, "busy-root");
    const [llm] = root.getChild().handleLLMStart({}, ["p"]);
    for (let i = 0; i < 12; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      llm.handleLLMNewToken(`t${i}`);
    }
    expect(bus.activeRuns).toBe(2);
    llm.handleLLMEnd({ generations: [] });
    await until(() => bus.activeRuns === 0, "the root expires once its child ended");
  });
});

describe("callbus({ endRunsOnDisconnect: true })", () => {
  test("a client that disconnects ends the request's live runs; without the option they stay", async () => {
    const bus = new CallbackBus({ idleRunTimeoutMs: 0 });
    const ended = errorsOn(bus);
    const runs: CallbackManagerForChainRun[] = [];
    const app = express();
    const hold = (req: express.Request) => {
      const run = req.callbacks.handleChainStart({ name: req.path }, {});
      run.getChild().handleToolStart({ name: "tool" }, "in");
      runs.push(run);
      // Never answers: the client goes away first.
    };
    app.get("/opted-in", callbus({ bus, endRunsOnDisconnect: true }), hold);
    app.get("/plain", callbus({ bus }), hold);
    const server = await listen(app);
    try {
      for (const path of ["/plain", "/opted-in"]) {
        const request = http.get(`${server.url}${path}`, { headers: { "x-request-id": `req${path.replace("/", "-")}` } });
        request.on("error", () => undefined);
        await until(() => runs.length === (path === "/plain" ? 1 : 2), `${path} started its run`);
        request.destroy();
      }
      await until(() => ended.length === 2, "the opted-in request's runs end");
      const optedIn = runs[1].runId;
      expect(ended.map((e) => e.event)).toEqual(["toolError", "chainError"]);
      expect(ended[1]).toMatchObject({ runId: optedIn, error: { runId: optedIn } });
      expect(ended[1].error).toBeInstanceOf(RunCancelledError);
      expect((ended[1].error as Error).message).toContain("the client of request req-opted-in disconnected");
      expect(bus.activeRuns).toBe(2);
      runs[0].handleChainEnd({});
      expect(bus.activeRuns).toBe(1);
    } finally {
      await server.close();
    }
  });
});
