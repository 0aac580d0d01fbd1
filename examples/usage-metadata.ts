/**
 * Token usage per model: `getUsageMetadataCallback` adds a UsageMetadataCallbackHandler to every
 * manager configured inside it. The "models" here are fake runs that report usage.
 *
 *   npx tsx examples/usage-metadata.ts
 */
import { CallbackManager, getUsageMetadataCallback, type UsageMetadata } from "callbus";

function fakeModelCall(model: string, usage: UsageMetadata): void {
  // Code that configures its own manager, unaware of the usage callback.
  const manager = CallbackManager.configure();
  const [run] = manager.handleChatModelStart({ name: model }, [[{ role: "user", content: "Hello" }]]);
  run.handleLLMEnd({
    generations: [[{ text: "Hi!", message: { content: "Hi!", usage_metadata: usage, response_metadata: { model_name: model } } }]],
  });
}

const usage = await getUsageMetadataCallback(async () => {
  fakeModelCall("gpt-4o-mini", { input_tokens: 8, output_tokens: 10, total_tokens: 18, input_token_details: { cache_read: 0 } });
  await Promise.resolve();
  fakeModelCall("gpt-4o-mini", { input_tokens: 5, output_tokens: 7, total_tokens: 12, input_token_details: { cache_read: 3 } });
  fakeModelCall("claude-3-5-haiku", { input_tokens: 8, output_tokens: 21, total_tokens: 29 });
});

console.log(usage.usageMetadata);
