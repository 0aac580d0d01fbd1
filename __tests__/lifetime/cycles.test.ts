/**
 * A parent that would make a cycle is taken as no parent, and a start that reuses a live run's
 * id hides that run until it ends: every scope and iterator gets each event exactly once, and
 * nothing loops (the walk up the ancestors used to follow a cycle 10,000 times).
 */
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import type { Callbacks } from "@langchain/core/callbacks/manager";
import { RunnableLambda } from "@langchain/core/runnables";
import express from "express";
import { CallbackBus, type BusEventItem, type CallbackEventName } from "callbus";
import { sse } from "callbus/express";
import { listen, SseClient, until } from "../express/helpers";

const base = (runId: string, parentRunId?: string) => ({ runId, parentRunId, tags: [] as string[], metadata: {} });
const chainStart = (runId: string, parentRunId?: string) => ({ ...base(runId, parentRunId), serialized: { id: ["x"] }, inputs: {} });

/** Every listener kind on one bus, each recording `event:runId`. */
function observe(bus: CallbackBus, runId: string) {
  const seen = { tree: [] as string[], own: [] as string[], any: [] as string[], stream: [] as string[] };
  bus.run(runId, { descendants: true }).onAny((event, payload) => void seen.tree.push(`${event}:${payload.runId}`));
  bus.run(runId).onAny((event, payload) => void seen.own.push(`${event}:${payload.runId}`));
  bus.onAny((event, payload) => void seen.any.push(`${event}:${payload.runId}`));
  const stream = bus.events({ runId, descendants: true });
  const drained = (async () => {
    for await (const item of stream as AsyncIterable<BusEventItem>) seen.stream.push(`${item.event}:${item.payload.runId}`);
  })();
  return { seen, drained };
}

describe("parent cycles on the bus", () => {
  test("a run that names itself as parent is a root: each event reaches each scope and iterator once", async () => {
    const bus = new CallbackBus();
    const { seen, drained } = observe(bus, "a");
    bus.emit("chainStart", chainStart("a", "a"));
    bus.emit("text", { ...base("a", "a"), text: "hi" });
    bus.emit("chainEnd", { ...base("a", "a"), outputs: {} });
    await drained;
    const once = ["chainStart:a", "text:a", "chainEnd:a"];
    expect(seen).toEqual({ tree: once, own: once, any: once, stream: once });
    expect([bus.activeRuns, bus.activeScopes, bus.listenerCount()]).toEqual([0, 0, 1]);
  });

  test("a start that names one of its own descendants as parent is a root", () => {
    const bus = new CallbackBus();
    const trees: Record<string, string[]> = { a: [], b: [], c: [] };
    bus.emit("chainStart", chainStart("a"));
    bus.emit("chainStart", chainStart("b", "a"));
    for (const id of ["a", "b"]) bus.run(id, { descendants: true }).onAny((event, p) => void trees[id].push(`${event}:${p.runId}`));
    bus.emit("chainStart", chainStart("c", "b"));
    // The run a (live, reused) started again under its own descendant b: taken as a root.
    bus.emit("chainStart", chainStart("a", "b"));
    bus.emit("text", { ...base("c", "b"), text: "from c" });
    bus.emit("text", { ...base("a", "b"), text: "from the second a" });
    expect(trees.b).toEqual(["chainStart:c", "text:c"]);
    // The first a's tree scope hears its descendants once each, and the second a (same id) once.
    expect(trees.a).toEqual(["chainStart:c", "chainStart:a", "text:c", "text:a"]);
  });

  test("a run started under a parent that never started, which then starts under that child, does not loop", () => {
    const bus = new CallbackBus();
    const heard: string[] = [];
    bus.emit("chainStart", chainStart("child", "p"));
    bus.run("p", { descendants: true }).onAny((event, payload) => void heard.push(`${event}:${payload.runId}`));
    bus.run("child", { descendants: true }).onAny((event, payload) => void heard.push(`child-scope ${event}:${payload.runId}`));
    bus.emit("chainStart", chainStart("p", "child"));
    bus.emit("text", { ...base("p", "child"), text: "x" });
    bus.emit("text", { ...base("child", "p"), text: "y" });
    expect(heard).toEqual(["chainStart:p", "text:p", "child-scope text:child", "text:child"]);
  });

  test("a start that reuses a live run's id hides it until it ends: scopes hear every event once and are released with the outer run", async () => {
    const bus = new CallbackBus();
    const { seen, drained } = observe(bus, "x");
    bus.emit("chainStart", chainStart("x"));
    bus.emit("chainStart", chainStart("x", "x"));
    bus.emit("toolStart", { ...base("t", "x"), serialized: { id: ["tool"] }, input: "in" });
    bus.emit("toolEnd", { ...base("t", "x"), output: "out" });
    bus.emit("chainEnd", { ...base("x", "x"), outputs: { inner: true } });
    expect(bus.activeRuns).toBe(1);
    bus.emit("chainEnd", { ...base("x"), outputs: { outer: true } });
    await drained;
    const tree = ["chainStart:x", "chainStart:x", "toolStart:t", "toolEnd:t", "chainEnd:x", "chainEnd:x"];
    expect(seen.tree).toEqual(tree);
    expect(seen.stream).toEqual(tree);
    expect(seen.any).toEqual(tree);
    expect(seen.own).toEqual(["chainStart:x", "chainStart:x", "chainEnd:x", "chainEnd:x"]);
    expect([bus.activeRuns, bus.activeScopes]).toEqual([0, 0]);
    expect(() => bus.emit("chainEnd", { ...base("x"), outputs: {} })).toThrow(/already ended/);
  });

  test("a real LangChain.js nested invoke that reuses the outer run id: each event once on every scope and iterator, then nothing open", async () => {
    const bus = new CallbackBus();
    const outerId = "0f0f0f0f-0000-4000-8000-0000000000aa";
    const inner = RunnableLambda.from((x: number) => x + 1).withConfig({ runName: "Inner" });
    const outer = RunnableLambda.from(async (x: number, config): Promise<number> => inner.invoke(x, { callbacks: config.callbacks as Callbacks, runId: outerId })).withConfig({ runName: "Outer" });
    const { seen, drained } = observe(bus, outerId);
    expect(await outer.invoke(1, { runId: outerId, callbacks: [bus.asLangChainHandler()] })).toBe(2);
    await awaitAllCallbacks();
    await drained;
    const events: CallbackEventName[] = ["chainStart", "chainStart", "chainEnd", "chainEnd"];
    const expected = events.map((e) => `${e}:${outerId}`);
    expect(seen).toEqual({ tree: expected, own: expected, any: expected, stream: expected });
    expect([bus.activeRuns, bus.activeScopes, bus.listenerCount()]).toEqual([0, 0, 1]);
  });

  test("an SSE client of a run whose start named a descendant of it as parent gets each event once, and the stream ends with the outer run", async () => {
    const bus = new CallbackBus();
    const app = express();
    app.get("/runs/:runId", sse({ bus, heartbeatMs: 0 }));
    const server = await listen(app);
    try {
      bus.emit("chainStart", chainStart("p"));
      bus.emit("chainStart", chainStart("c", "p"));
      const client = new SseClient(`${server.url}/runs/p`);
      await client.ready;
      await until(() => bus.activeScopes === 1, "the stream subscribed");
      // "p" started again under its own child: a root on the bus, heard by p's stream once.
      bus.emit("chainStart", chainStart("p", "c"));
      bus.emit("text", { ...base("c", "p"), text: "child" });
      bus.emit("chainEnd", { ...base("p", "c"), outputs: {} });
      bus.emit("chainEnd", { ...base("c", "p"), outputs: {} });
      bus.emit("chainEnd", { ...base("p"), outputs: {} });
      await client.closed;
      expect(client.status).toBe(200);
      expect(client.frames.filter((f) => f.event !== undefined).map((f) => `${f.event}:${(JSON.parse(f.data!) as { runId: string }).runId}`)).toEqual([
        "chainStart:p",
        "text:c",
        "chainEnd:p",
        // The inner "p" ended; the outer one is live again, so the stream goes on to its end.
        "chainEnd:c",
        "chainEnd:p",
      ]);
    } finally {
      await server.close();
    }
  });
});
