/**
 * Quick start: a chain asks a chat model, which streams its answer, then calls a tool. The
 * tokens appear on one line as they arrive; when the run is over, the run tree and the token
 * usage are printed. No network, no keys.
 *
 *   npm run demo
 */
import { CallbackBus, CallbackManager } from "callbus";
import { RunCollectorCallbackHandler, UsageMetadataCallbackHandler, type Run } from "callbus/handlers";

const bus = new CallbackBus();

// Listeners subscribe by event name and get one typed payload.
bus.on("chainStart", ({ name, inputs }) => {
  if (name === "Weather") console.log(`> ${String(inputs.question)}`);
});
bus.on("llmNewToken", ({ token }) => process.stdout.write(token));
bus.on("llmEnd", () => process.stdout.write("\n"));

// Handlers attached to the bus see every run on it: one keeps the finished trees, one counts tokens.
const collector = new RunCollectorCallbackHandler();
const usage = new UsageMetadataCallbackHandler();
bus.attach(collector);
bus.attach(usage);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const chain = CallbackManager.configure([], [], { bus }).handleChainStart({ name: "Weather" }, { question: "What is the weather in Paris?" });

const [model] = chain.getChild().handleChatModelStart({ name: "FakeChatModel" }, [[{ role: "user", content: "What is the weather in Paris?" }]]);
const answer = "Let me ask the weather tool about Paris.";
for (const token of answer.split(/(?= )/)) {
  await sleep(60); // a model takes its time; the tokens print as they come
  model.handleLLMNewToken(token);
}
model.handleLLMEnd({
  generations: [
    [
      {
        text: answer,
        message: {
          content: answer,
          usage_metadata: { input_tokens: 9, output_tokens: 9, total_tokens: 18 },
          response_metadata: { model_name: "fake-chat-1" },
        },
      },
    ],
  ],
});

const tool = chain.getChild().handleToolStart({ name: "weather" }, "Paris");
await sleep(120);
tool.handleToolEnd("18°C, sunny");
chain.handleChainEnd({ answer: "18°C and sunny in Paris" });
await bus.flush();

/** What a run returned, in a few words: a model's text, a tool's output, a chain's answer. */
function shownOutput(run: Run): unknown {
  const generations = run.outputs?.generations as { text: string }[][] | undefined;
  return generations?.[0]?.[0]?.text ?? run.outputs?.output ?? run.outputs?.answer;
}

/** One line per run, children indented: name, kind, what it returned, how long it took. */
function printTree(run: Run, depth = 0): void {
  const output = shownOutput(run);
  const took = run.endTime === undefined ? "" : ` (${run.endTime - run.startTime} ms)`;
  console.log(`${"  ".repeat(depth)}${run.name} [${run.runType}]${output === undefined ? "" : ` -> ${String(output)}`}${took}`);
  for (const child of run.childRuns) printTree(child, depth + 1);
}

console.log("\nRun tree:");
for (const root of collector.tracedRuns) printTree(root);
console.log("\nToken usage:", usage.usageMetadata);
console.log(`Open runs: ${bus.activeRuns}, scopes still listening: ${bus.activeScopes}`);
