/** FileCallbackHandler writes Python's text without bold codes to a real file (conformance 26). */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CallbackBus, CallbackManager, type ListenerErrorEvent } from "callbus";
import { FileCallbackHandler } from "callbus/handlers";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "callbus-file-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(handler: FileCallbackHandler, name: string, bus = new CallbackBus()): void {
  const cm = CallbackManager.configure([handler], undefined, { bus });
  const chain = cm.handleChainStart({ name }, {});
  chain.handleAgentAction({ tool: "calc", toolInput: "1", log: "use calc" }, { color: "pink" });
  chain.getChild().handleToolStart({ name: "calc" }, "1").handleToolEnd("one", { observationPrefix: "Observation: ", llmPrefix: "Thought:" });
  chain.handleText("note", { end: "\n" });
  chain.handleAgentEnd({ returnValues: {}, log: "done" });
  chain.handleChainEnd({});
}

const TRANSCRIPT = (name: string): string =>
  `\n\n> Entering new ${name} chain...\n` +
  "\x1b[38;5;200m\x1b[1;3muse calc\x1b[0m" +
  "\nObservation: one\nThought:" +
  "note\n" +
  "done\n" +
  "\n> Finished chain.\n";

describe("FileCallbackHandler", () => {
  test("writes the stdout text without bold codes", async () => {
    const path = join(dir, "out.log");
    const handler = new FileCallbackHandler(path);
    run(handler, "Agent");
    await handler.close();
    expect(await readFile(path, "utf8")).toBe(TRANSCRIPT("Agent"));
  });

  test("the handler colour applies to texts that give none", async () => {
    const path = join(dir, "color.log");
    const handler = new FileCallbackHandler(path, { color: "blue" });
    const chain = CallbackManager.configure([handler], undefined, { bus: new CallbackBus() }).handleChainStart({}, {});
    chain.handleText("t");
    chain.handleChainEnd({});
    await handler.close();
    expect(await readFile(path, "utf8")).toBe("\n\n> Entering new <unknown> chain...\n\x1b[36;1m\x1b[1;3mt\x1b[0m\n> Finished chain.\n");
  });

  test("appends by default and truncates with mode w", async () => {
    const path = join(dir, "modes.log");
    await writeFile(path, "before\n");
    const append = new FileCallbackHandler(path);
    run(append, "A");
    await append.close();
    expect(await readFile(path, "utf8")).toBe(`before\n${TRANSCRIPT("A")}`);

    const truncate = new FileCallbackHandler(path, { mode: "w" });
    run(truncate, "W");
    await truncate.close();
    expect(await readFile(path, "utf8")).toBe(TRANSCRIPT("W"));
  });

  test("writes UTF-8", async () => {
    const path = join(dir, "utf8.log");
    const handler = new FileCallbackHandler(path, { mode: "w" });
    const chain = CallbackManager.configure([handler], undefined, { bus: new CallbackBus() }).handleChainStart({ name: "Café ☕" }, {});
    chain.handleText("日本語 ✓ naïve");
    await handler.close();
    const bytes = await readFile(path);
    expect(bytes.toString("utf8")).toBe("\n\n> Entering new Café ☕ chain...\n日本語 ✓ naïve");
    expect(bytes.includes(Buffer.from("日本語", "utf8"))).toBe(true);
  });

  test("a path that cannot be opened fails in the constructor, naming the path", () => {
    const path = join(dir, "no", "such", "dir", "out.log");
    expect(() => new FileCallbackHandler(path)).toThrow(path);
    expect(() => new FileCallbackHandler(dir)).toThrow(`cannot open ${dir}`);
    expect(() => new FileCallbackHandler(join(dir, "x.log"), { mode: "r" as "a" })).toThrow(/mode must be "a" or "w", got "r"/);
    expect(() => new FileCallbackHandler("")).toThrow(/needs a file name/);
  });

  test("close() is idempotent; writing after it is a clear error", async () => {
    const path = join(dir, "closed.log");
    const handler = new FileCallbackHandler(path);
    handler.handleText("kept", "r1");
    const first = handler.close();
    expect(handler.close()).toBe(first);
    await first;
    await handler.close();
    expect(handler.closed).toBe(true);
    expect(() => handler.handleText("late", "r1")).toThrow(`FileCallbackHandler for ${path} is closed; nothing can be written after close()`);

    // Through a manager the failure is reported as a listenerError, and raiseError hands it to the caller.
    const bus = new CallbackBus();
    const reported: ListenerErrorEvent[] = [];
    bus.on("listenerError", (e) => reported.push(e));
    CallbackManager.configure([handler], undefined, { bus }).handleChainStart({ name: "late" }, {});
    expect(reported).toHaveLength(1);
    expect(String(reported[0].error)).toContain("is closed");

    const raising = new FileCallbackHandler(join(dir, "raising.log"), { raiseError: true });
    await raising.close();
    expect(() => CallbackManager.configure([raising], undefined, { bus }).handleChainStart({ name: "late" }, {})).toThrow(/is closed/);
    expect(await readFile(path, "utf8")).toBe("kept");
  });

  test("await using closes the file at the end of the block", async () => {
    const path = join(dir, "using.log");
    let seen: FileCallbackHandler | undefined;
    {
      await using handler = new FileCallbackHandler(path, { mode: "w" });
      seen = handler;
      run(handler, "Scoped");
    }
    expect(seen.closed).toBe(true);
    expect(await readFile(path, "utf8")).toBe(TRANSCRIPT("Scoped"));
  });

  test("nothing written before close() is lost when many runs write at once", async () => {
    const path = join(dir, "many.log");
    const handler = new FileCallbackHandler(path, { mode: "w" });
    const bus = new CallbackBus();
    // The expected text, built in emission order from the bus.
    let expected = "";
    bus.on("chainStart", ({ name }) => (expected += `\n\n> Entering new ${name} chain...\n`));
    bus.on("text", ({ text }) => (expected += text));
    bus.on("chainEnd", () => (expected += "\n> Finished chain.\n"));
    const cm = CallbackManager.configure([handler], undefined, { bus });
    const big = "x".repeat(70_000);

    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const chain = cm.handleChainStart({ name: `Run${i}` }, {});
        for (let k = 0; k < 5; k++) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          chain.handleText(k === 2 && i % 20 === 0 ? `${big}${i}` : `[${i}.${k}]`);
        }
        chain.handleChainEnd({});
      }),
    );
    await handler.close();
    const text = await readFile(path, "utf8");
    expect(text.length).toBe(expected.length);
    expect(text).toBe(expected);
    expect(text.split("> Finished chain.").length - 1).toBe(200);
  });

  test("what a handler call wrote is in the file when the call returns, before close()", async () => {
    const path = join(dir, "now.log");
    const handler = new FileCallbackHandler(path, { mode: "w" });
    const chain = CallbackManager.configure([handler], undefined, { bus: new CallbackBus() }).handleChainStart({ name: "Now" }, {});
    expect(readFileSync(path, "utf8")).toBe("\n\n> Entering new Now chain...\n");
    chain.getChild().handleToolStart({ name: "t" }, "in").handleToolEnd("out", { observationPrefix: "Obs: ", llmPrefix: "Next:" });
    expect(readFileSync(path, "utf8")).toBe("\n\n> Entering new Now chain...\n\nObs: out\nNext:");
    await handler.close();
  });

  describe("a process that ends abruptly right after a run loses nothing", () => {
    const fixture = join(__dirname, "fixtures", "file-then-exit.ts");
    const expected =
      "\n\n> Entering new Doomed chain...\n" +
      Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, "0")}:${"x".repeat(1020)}\n`).join("") +
      "\nObservation: out" +
      "\n> Finished chain.\n";

    test.each([
      ["process.exit", "exit", { status: 3, signal: null }],
      ["an uncaught throw", "throw", { status: 1, signal: null }],
      ["SIGTERM", "sigterm", { status: null, signal: "SIGTERM" }],
    ])("%s", (_label, how, ending) => {
      const path = join(dir, `${how}.log`);
      const child = spawnSync(process.execPath, ["--import", "tsx", fixture, how, path], { cwd: join(__dirname, "..", ".."), encoding: "utf8" });
      expect({ status: child.status, signal: child.signal }).toEqual(ending);
      const text = readFileSync(path, "utf8");
      expect(text.length).toBeGreaterThan(100_000);
      expect(text).toBe(expected);
    });
  });
});
