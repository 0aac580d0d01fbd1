/** ConsoleCallbackHandler prints the run tree as it happens, LangChain's way. */
import { CallbackBus, CallbackManager } from "callbus";
import { ConsoleCallbackHandler } from "callbus/handlers";
import { captureStdout } from "./capture";

const ELAPSED = String.raw`\[(\d+ms|\d+\.\d\ds)\]`;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("ConsoleCallbackHandler", () => {
  test("prints starts and ends with breadcrumbs and elapsed times (no colours)", async () => {
    const cm = CallbackManager.configure([new ConsoleCallbackHandler({ colors: false })], undefined, { bus: new CallbackBus() });
    const out = await captureStdout(() => {
      const chain = cm.handleChainStart({ name: "Agent" }, { question: "2+2?" });
      const [llm] = chain.getChild().handleChatModelStart({ name: "FakeChat" }, [[{ role: "user", content: "  2+2?  " }]]);
      llm.handleLLMEnd({ generations: [[{ text: "4" }]] });
      chain.handleAgentAction({ tool: "calc", toolInput: "2+2", log: "calc" });
      const tool = chain.getChild().handleToolStart({ name: "calc" }, " 2+2 ");
      tool.handleToolEnd(4);
      const failing = chain.getChild().handleRetrieverStart({ name: "Docs" }, "q");
      failing.handleRetrieverError(new Error("index offline"));
      chain.handleChainEnd({ answer: "4" });
    });
    const expected = [
      `[chain/start] [1:chain:Agent] Entering Chain run with input: {\n  "question": "2+2?"\n}`,
      `[llm/start] [1:chain:Agent > 2:llm:FakeChat] Entering LLM run with input: {\n  "prompts": [\n    "Human:   2+2?  "\n  ]\n}`,
      `[llm/end] [1:chain:Agent > 2:llm:FakeChat] ELAPSED Exiting LLM run with output: {\n  "generations": [\n    [\n      {\n        "text": "4"\n      }\n    ]\n  ]\n}`,
      `[agent/action] [1:chain:Agent] Agent selected action: {\n  "tool": "calc",\n  "toolInput": "2+2",\n  "log": "calc"\n}`,
      `[tool/start] [1:chain:Agent > 3:tool:calc] Entering Tool run with input: "2+2"`,
      `[tool/end] [1:chain:Agent > 3:tool:calc] ELAPSED Exiting Tool run with output: "4"`,
      `[retriever/start] [1:chain:Agent > 4:retriever:Docs] Entering Retriever run with input: {\n  "query": "q"\n}`,
      `[retriever/error] [1:chain:Agent > 4:retriever:Docs] ELAPSED Retriever run errored with error: "index offline"`,
      `[chain/end] [1:chain:Agent] ELAPSED Exiting Chain run with output: {\n  "answer": "4"\n}`,
    ];
    const pattern = new RegExp(`^${expected.map((line) => esc(line).replace("ELAPSED", ELAPSED)).join("\\n")}\\n$`);
    expect(out).toMatch(pattern);
  });

  test("colours the tag and the breadcrumbs, the current run in bold", async () => {
    const cm = CallbackManager.configure([new ConsoleCallbackHandler()], undefined, { bus: new CallbackBus() });
    const out = await captureStdout(() => {
      const chain = cm.handleChainStart({ name: "Outer" }, {});
      chain.getChild().handleChainStart({ name: "Inner" }, { x: 1 }, undefined, "prompt").handleChainError(new Error("bad"));
      chain.handleChainEnd({});
    });
    const G = "\x1b[90m";
    const B = "\x1b[1m";
    const b = "\x1b[22m";
    const x = "\x1b[39m";
    const expected = [
      `\x1b[32m[chain/start]${x} [${G}${B}1:chain:Outer${b}${x}] Entering Chain run with input: {}`,
      `\x1b[32m[chain/start]${x} [${G}1:chain:Outer > ${B}2:prompt:Inner${b}${x}] Entering Chain run with input: {\n  "x": 1\n}`,
      `\x1b[31m[chain/error]${x} [${G}1:chain:Outer > ${B}2:prompt:Inner${b}${x}] ELAPSED Chain run errored with error: "bad"`,
      `\x1b[36m[chain/end]${x} [${G}${B}1:chain:Outer${b}${x}] ELAPSED Exiting Chain run with output: {}`,
    ];
    expect(out).toMatch(new RegExp(`^${expected.map((line) => esc(line).replace("ELAPSED", ELAPSED)).join("\\n")}\\n$`));
  });

  test("holds no run once its trace has ended", async () => {
    const handler = new ConsoleCallbackHandler({ colors: false });
    const cm = CallbackManager.configure([handler], undefined, { bus: new CallbackBus() });
    await captureStdout(() => {
      for (let i = 0; i < 100; i++) {
        const chain = cm.handleChainStart({ name: "C" }, {});
        chain.getChild().handleToolStart({ name: "never-ends" }, "x");
        chain.handleChainEnd({});
      }
    });
    expect(handler.activeRunCount).toBe(0);
  });
});

test("elapsed times read as LangChain prints them", async () => {
  const { formatElapsed } = await import("callbus/handlers");
  expect([0, 12, 999, 1000, 1504, 61_000].map(formatElapsed)).toEqual(["0ms", "12ms", "999ms", "1.00s", "1.50s", "61.00s"]);
});
