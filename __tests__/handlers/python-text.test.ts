/**
 * The stdout and file handlers against the bytes LangChain Python 1.6 prints for the same calls
 * (its `StdOutCallbackHandler` and `FileCallbackHandler`, captured once and pasted here): an
 * empty run name, agent logs, tool outputs with and without prefixes and colours, texts.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CallbackBus, CallbackManager } from "callbus";
import { FileCallbackHandler, StdOutCallbackHandler, type TextCallbackHandler } from "callbus/handlers";
import { captureStdout } from "./capture";

/** Python: `on_chain_start({"name": "Agent"}, {}, name="")`, an action, two tool ends, two texts, a finish, a chain end. */
function agentScenario(handler: TextCallbackHandler): void {
  handler.handleChainStart({ name: "Agent" }, {}, "r1", undefined, [], {}, undefined, "");
  handler.handleAgentAction({ tool: "calc", toolInput: "2+2", log: "Use calc" }, "r1");
  handler.handleToolEnd("4", "t1", "r1", [], { observationPrefix: "Observation: ", llmPrefix: "Thought:", color: "yellow" });
  handler.handleToolEnd("5", "t2", "r1");
  handler.handleText("note", "r1", undefined, [], { end: "\n" });
  handler.handleText("red", "r1", undefined, [], { color: "red" });
  handler.handleAgentEnd({ returnValues: {}, log: "Final Answer: 4" }, "r1");
  handler.handleChainEnd();
}

/** Python's `StdOutCallbackHandler(color="green")` for `agentScenario`. */
const PYTHON_STDOUT =
  "\n\n\x1b[1m> Entering new  chain...\x1b[0m\n\x1b[32;1m\x1b[1;3mUse calc\x1b[0m\nObservation: \x1b[33;1m\x1b[1;3m4\x1b[0m\nThought:" +
  "\x1b[32;1m\x1b[1;3m5\x1b[0m\x1b[32;1m\x1b[1;3mnote\x1b[0m\n\x1b[31;1m\x1b[1;3mred\x1b[0m\x1b[32;1m\x1b[1;3mFinal Answer: 4\x1b[0m\n" +
  "\n\x1b[1m> Finished chain.\x1b[0m\n";

/** Python's `FileCallbackHandler(path, color="green")` for `agentScenario`: tool outputs uncoloured, an empty run name falls back. */
const PYTHON_FILE =
  "\n\n> Entering new Agent chain...\n\x1b[32;1m\x1b[1;3mUse calc\x1b[0m\nObservation: 4\nThought:5\x1b[32;1m\x1b[1;3mnote\x1b[0m\n" +
  "\x1b[31;1m\x1b[1;3mred\x1b[0m\x1b[32;1m\x1b[1;3mFinal Answer: 4\x1b[0m\n\n> Finished chain.\n";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "callbus-text-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileText(fill: (handler: FileCallbackHandler) => void, color?: string): Promise<string> {
  const path = join(dir, "out.log");
  const handler = new FileCallbackHandler(path, { mode: "w", color });
  fill(handler);
  await handler.close();
  return readFile(path, "utf8");
}

describe("the same bytes as LangChain Python", () => {
  test("StdOutCallbackHandler: an empty run name prints empty, tool outputs coloured", async () => {
    expect(await captureStdout(() => agentScenario(new StdOutCallbackHandler({ color: "green" })))).toBe(PYTHON_STDOUT);
  });

  test("FileCallbackHandler: tool outputs uncoloured even when a colour is given", async () => {
    expect(await fileText(agentScenario, "green")).toBe(PYTHON_FILE);
  });

  test("through a manager, the run name given at start is the one printed, an empty one included", async () => {
    const stdout = new StdOutCallbackHandler();
    const out = await captureStdout(() => {
      const cm = CallbackManager.configure([stdout], undefined, { bus: new CallbackBus() });
      cm.handleChainStart({ name: "Serialized" }, {}, undefined, undefined, undefined, undefined, "").handleChainEnd({});
      cm.handleChainStart({ name: "Serialized" }, {}).handleChainEnd({});
    });
    expect(out).toBe("\n\n\x1b[1m> Entering new  chain...\x1b[0m\n\n\x1b[1m> Finished chain.\x1b[0m\n" + "\n\n\x1b[1m> Entering new Serialized chain...\x1b[0m\n\n\x1b[1m> Finished chain.\x1b[0m\n");
  });

  test("with ignoreAgent, neither handler prints agent steps or tool outputs (LangChain gates tool events by ignoreAgent)", async () => {
    const scenario = (handler: TextCallbackHandler): void => {
      const chain = CallbackManager.configure([handler], undefined, { bus: new CallbackBus() }).handleChainStart({ name: "Agent" }, {});
      chain.handleAgentAction({ tool: "calc", toolInput: "2+2", log: "Use calc" });
      chain.getChild().handleToolStart({ name: "calc" }, "2+2").handleToolEnd("4", { observationPrefix: "Observation: " });
      chain.handleAgentEnd({ returnValues: {}, log: "Final Answer: 4" });
      chain.handleChainEnd({});
    };
    expect(await captureStdout(() => scenario(new StdOutCallbackHandler({ ignoreAgent: true })))).toBe(
      "\n\n\x1b[1m> Entering new Agent chain...\x1b[0m\n\n\x1b[1m> Finished chain.\x1b[0m\n",
    );
    expect(await fileText((file) => scenario(file))).toBe("\n\n> Entering new Agent chain...\n" + "Use calc" + "\nObservation: 4" + "Final Answer: 4\n" + "\n> Finished chain.\n");
    const path = join(dir, "ignored.log");
    const ignoring = new FileCallbackHandler(path, { mode: "w", ignoreAgent: true });
    scenario(ignoring);
    await ignoring.close();
    expect(await readFile(path, "utf8")).toBe("\n\n> Entering new Agent chain...\n\n> Finished chain.\n");
  });

  test("a non-string tool output prints as JSON, arrays too; a message prints its content", async () => {
    const outputs: unknown[] = [["x", 1], { a: [1, "b"] }, 42, null, { content: "from a message", type: "tool" }, new Date(0)];
    const call = (handler: TextCallbackHandler): void => {
      for (const output of outputs) handler.handleToolEnd(output, "t", undefined, [], { observationPrefix: "> " });
    };
    const expected = `\n> ["x",1]\n> {"a":[1,"b"]}\n> 42\n> null\n> from a message\n> ${String(new Date(0))}`;
    expect(await fileText(call, "blue")).toBe(expected);
    const coloured = (text: string): string => `\x1b[36;1m\x1b[1;3m${text}\x1b[0m`;
    expect(await captureStdout(() => call(new StdOutCallbackHandler({ color: "blue" })))).toBe(
      `\n> ${coloured('["x",1]')}\n> ${coloured('{"a":[1,"b"]}')}\n> ${coloured("42")}\n> ${coloured("null")}\n> ${coloured("from a message")}\n> ${coloured(String(new Date(0)))}`,
    );
  });

  test("a real LangChain.js tool's array output reaches the file as JSON, uncoloured", async () => {
    const { DynamicTool } = await import("@langchain/core/tools");
    const pair = new DynamicTool({ name: "pair", description: "a pair", func: async (name: string) => [name, 1] });
    const path = join(dir, "tool.log");
    const handler = new FileCallbackHandler(path, { mode: "w", color: "pink" });
    await pair.invoke("x", { callbacks: [handler] });
    await handler.close();
    expect(await readFile(path, "utf8")).toBe('["x",1]');
  });
});
