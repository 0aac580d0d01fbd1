/**
 * StdOutCallbackHandler: LangChain Python's agent transcript, colours included, from a small
 * agent-shaped run. No network.
 *
 *   npx tsx examples/stdout-handler.ts
 */
import { CallbackManager } from "callbus";
import { StdOutCallbackHandler } from "callbus/handlers";

const manager = CallbackManager.configure([new StdOutCallbackHandler({ color: "green" })]);

const agent = manager.handleChainStart({ name: "AgentExecutor" }, { input: "What is 6 * 7?" });
agent.handleAgentAction({ tool: "calculator", toolInput: "6 * 7", log: "Thought: I should multiply.\nAction: calculator" });
const tool = agent.getChild().handleToolStart({ name: "calculator" }, "6 * 7");
tool.handleToolEnd(42, { observationPrefix: "Observation: ", llmPrefix: "Thought:", color: "yellow" });
agent.handleAgentEnd({ returnValues: { output: "42" }, log: " I now know the final answer.\nFinal Answer: 42" });
agent.handleChainEnd({ output: "42" });

// `verbose: true` adds the same handler for you.
const verbose = CallbackManager.configure(undefined, undefined, { verbose: true });
verbose.handleChainStart({ name: "VerboseChain" }, {}).handleChainEnd({});
