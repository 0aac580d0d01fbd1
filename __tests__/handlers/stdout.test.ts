/** StdOutCallbackHandler prints LangChain Python's text byte for byte (conformance 23-25). */
import { CallbackBus, CallbackManager } from "callbus";
import { StdOutCallbackHandler, coloredText } from "callbus/handlers";
import { captureStdout } from "./capture";

const BOLD = "\x1b[1m";
const RESET = "\x1b[0m";

function manager(handler: StdOutCallbackHandler): CallbackManager {
  return CallbackManager.configure([handler], undefined, { bus: new CallbackBus() });
}

describe("StdOutCallbackHandler", () => {
  test("chain start names the chain by run name, serialized.name, last id item, else <unknown>", async () => {
    const cm = manager(new StdOutCallbackHandler());
    const out = await captureStdout(() => {
      cm.handleChainStart({ name: "Serialized", id: ["a", "IdName"] }, {}, undefined, undefined, undefined, undefined, "RunName");
      cm.handleChainStart({ name: "Serialized", id: ["a", "IdName"] }, {});
      cm.handleChainStart({ id: ["langchain", "chains", "LLMChain"] }, {});
      cm.handleChainStart({}, {});
    });
    expect(out).toBe(
      `\n\n${BOLD}> Entering new RunName chain...${RESET}\n` +
        `\n\n${BOLD}> Entering new Serialized chain...${RESET}\n` +
        `\n\n${BOLD}> Entering new LLMChain chain...${RESET}\n` +
        `\n\n${BOLD}> Entering new <unknown> chain...${RESET}\n`,
    );
  });

  test("called directly with LangChain.js's arguments it applies the same name rule", async () => {
    const handler = new StdOutCallbackHandler();
    const out = await captureStdout(() => {
      handler.handleChainStart({ id: ["x", "FromId"] }, {}, "r1", undefined, [], {}, undefined, undefined);
      handler.handleChainStart(undefined as never, {}, "r2");
    });
    expect(out).toBe(`\n\n${BOLD}> Entering new FromId chain...${RESET}\n\n\n${BOLD}> Entering new <unknown> chain...${RESET}\n`);
  });

  test("a whole agent run prints Python's transcript, colours and prefixes included", async () => {
    const cm = manager(new StdOutCallbackHandler({ color: "green" }));
    const out = await captureStdout(() => {
      const chain = cm.handleChainStart({ name: "AgentExecutor" }, { input: "2+2?" });
      chain.handleAgentAction({ tool: "calc", toolInput: "2+2", log: "I should use calc" });
      const tool = chain.getChild().handleToolStart({ name: "calc" }, "2+2");
      tool.handleToolEnd(4, { observationPrefix: "Observation: ", llmPrefix: "Thought:", color: "yellow" });
      chain.handleText("plain text", { end: "\n" });
      chain.handleText("red text", { color: "red" });
      chain.handleAgentEnd({ returnValues: { output: "4" }, log: "Final Answer: 4" });
      chain.handleChainEnd({ output: "4" });
    });
    expect(out).toBe(
      `\n\n${BOLD}> Entering new AgentExecutor chain...${RESET}\n` +
        "\x1b[32;1m\x1b[1;3mI should use calc\x1b[0m" +
        "\nObservation: " +
        "\x1b[33;1m\x1b[1;3m4\x1b[0m" +
        "\nThought:" +
        "\x1b[32;1m\x1b[1;3mplain text\x1b[0m\n" +
        "\x1b[31;1m\x1b[1;3mred text\x1b[0m" +
        "\x1b[32;1m\x1b[1;3mFinal Answer: 4\x1b[0m\n" +
        `\n${BOLD}> Finished chain.${RESET}\n`,
    );
  });

  test("without a colour, text is printed as it is; prefixes are omitted when not given", async () => {
    const cm = manager(new StdOutCallbackHandler());
    const out = await captureStdout(() => {
      const tool = cm.handleToolStart({ name: "t" }, "in");
      tool.handleToolEnd("out");
      const chain = cm.handleChainStart({ name: "c" }, {});
      chain.handleText("hello");
      chain.handleAgentEnd({ returnValues: {}, log: "done" });
      chain.handleAgentAction({ tool: "t", toolInput: {}, log: "act" }, { color: "blue" });
    });
    expect(out).toBe(`out\n\n${BOLD}> Entering new c chain...${RESET}\nhellodone\n\x1b[36;1m\x1b[1;3mact\x1b[0m`);
  });

  test("the five colours have Python's codes", () => {
    expect(["blue", "yellow", "pink", "green", "red"].map((c) => coloredText("x", c))).toEqual([
      "\x1b[36;1m\x1b[1;3mx\x1b[0m",
      "\x1b[33;1m\x1b[1;3mx\x1b[0m",
      "\x1b[38;5;200m\x1b[1;3mx\x1b[0m",
      "\x1b[32;1m\x1b[1;3mx\x1b[0m",
      "\x1b[31;1m\x1b[1;3mx\x1b[0m",
    ]);
  });

  test("an unknown colour is refused by name", () => {
    expect(() => new StdOutCallbackHandler({ color: "purple" })).toThrow(/unknown color "purple"; known colors are blue, yellow, pink, green, red/);
    const handler = new StdOutCallbackHandler();
    expect(() => handler.handleText("x", "r", undefined, [], { color: "mauve" })).toThrow(/"mauve"/);
  });
});

test("a real LangChain.js runnable prints through the handler with its run names", async () => {
  const { RunnableLambda } = await import("@langchain/core/runnables");
  const { awaitAllCallbacks } = await import("@langchain/core/callbacks/promises");
  const inner = RunnableLambda.from((x: number) => x + 1).withConfig({ runName: "AddOne" });
  const outer = RunnableLambda.from(async (x: number, config) => inner.invoke(x, config)).withConfig({ runName: "Outer" });
  const out = await captureStdout(async () => {
    await outer.invoke(1, { callbacks: [new StdOutCallbackHandler()] });
    await awaitAllCallbacks();
  });
  expect(out).toBe(
    `\n\n${BOLD}> Entering new Outer chain...${RESET}\n` +
      `\n\n${BOLD}> Entering new AddOne chain...${RESET}\n` +
      `\n${BOLD}> Finished chain.${RESET}\n` +
      `\n${BOLD}> Finished chain.${RESET}\n`,
  );
});
