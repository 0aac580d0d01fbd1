/**
 * StreamingStdOutCallbackHandler: tokens appear on stdout as a (fake) model produces them.
 *
 *   npx tsx examples/streaming-stdout.ts
 */
import { CallbackManager } from "callbus";
import { StreamingStdOutCallbackHandler } from "callbus/handlers";

const manager = CallbackManager.configure([new StreamingStdOutCallbackHandler()]);
const [model] = manager.handleLLMStart({ name: "FakeLLM" }, ["Tell me a short story"]);

for (const token of "Once upon a time, a tiny event bus carried every token home.".split(/(?<= )/)) {
  await new Promise((resolve) => setTimeout(resolve, 30));
  model.handleLLMNewToken(token);
}
model.handleLLMEnd({ generations: [[{ text: "…" }]] });
process.stdout.write("\n");
