/**
 * RunCollectorCallbackHandler: finished root runs kept as trees, printed here as an outline.
 *
 *   npx tsx examples/run-collector.ts
 */
import { CallbackManager } from "callbus";
import { RunCollectorCallbackHandler, type Run } from "callbus/handlers";

const collector = new RunCollectorCallbackHandler();
const manager = CallbackManager.configure([collector], undefined, { inheritableTags: ["demo"] });

const chain = manager.handleChainStart({ name: "Agent" }, { input: "weather in Paris" });
const [model] = chain.getChild().handleLLMStart({ name: "FakeLLM" }, ["weather in Paris"]);
for (const token of ["call ", "weather"]) model.handleLLMNewToken(token);
model.handleLLMEnd({ generations: [[{ text: "call weather" }]] });
const tool = chain.getChild().handleToolStart({ name: "weather" }, "Paris");
tool.handleToolError(new Error("service unavailable"));
chain.handleChainEnd({ output: "Sorry, no weather today." });

function outline(run: Run, depth = 0): void {
  const status = run.error === undefined ? JSON.stringify(run.outputs) : `error: ${run.error}`;
  const tokens = run.events.filter((e) => e.name === "new_token").length;
  console.log(`${"  ".repeat(depth)}${run.executionOrder}. ${run.runType} ${run.name} [${run.tags.join(",")}] -> ${status}${tokens ? ` (${tokens} tokens)` : ""}`);
  for (const child of run.childRuns) outline(child, depth + 1);
}

for (const root of collector.tracedRuns) outline(root);
collector.clear();
