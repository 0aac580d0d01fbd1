/**
 * Quick start: subscribe to callbus events by name, run a small chain of runs (a chain that
 * calls a chat model that streams, then a tool), and print what arrives. No network, no keys.
 *
 *   npm run demo
 */
import { CallbackBus, CallbackManager } from "callbus";

const bus = new CallbackBus();

// Listeners are attached by event name and get one typed payload.
bus.on("chainStart", ({ name, runId, inputs }) => console.log(`chain ${name} started (${runId})`, inputs));
bus.on("llmNewToken", ({ token }) => process.stdout.write(`[${token}]`));
bus.on("llmEnd", ({ output }) => console.log(`\nmodel said: ${output.generations[0]?.[0]?.text}`));
bus.on("toolEnd", ({ output, parentRunId }) => console.log(`tool returned ${String(output)} to run ${parentRunId}`));
bus.on("chainEnd", ({ outputs }) => console.log("chain finished with", outputs));

// A plain object of LangChain.js handler methods works too.
const manager = CallbackManager.configure([{ handleChainEnd: (outputs) => console.log("handler saw the end:", outputs) }], undefined, {
  bus,
  inheritableTags: ["quickstart"],
});

const chain = manager.handleChainStart({ name: "Weather" }, { question: "Weather in Paris?" });

// A scoped listener hears only this run and the runs below it, and is released when it ends.
bus.run(chain.runId, { descendants: true }).onAny((event) => console.log(`  · ${event}`));

const [model] = chain.getChild().handleChatModelStart({ name: "FakeChatModel" }, [[{ role: "user", content: "Weather in Paris?" }]]);
const answer = "Let me check the weather tool.";
for (const token of answer.split(/(?= )/)) model.handleLLMNewToken(token);
model.handleLLMEnd({ generations: [[{ text: answer }]] });

const tool = chain.getChild().handleToolStart({ name: "weather" }, "Paris");
tool.handleToolEnd("18°C, sunny");

chain.handleChainEnd({ answer: "18°C and sunny in Paris" });
await bus.flush();
console.log(`runs still open: ${bus.activeRuns}, scopes still listening: ${bus.activeScopes}`);
