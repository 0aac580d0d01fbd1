/**
 * `getUsageMetadataCallback`: a `UsageMetadataCallbackHandler` that every manager configured
 * inside a function's async context includes (Python's `get_usage_metadata_callback`, built,
 * as there, on a configure hook).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { UsageMetadataCallbackHandler } from "../handlers/usage.js";
import type { CallbackHandlerLike } from "./handler.js";
import { registerConfigureHook } from "./configure.js";

/**
 * Calls `fn` with a new `UsageMetadataCallbackHandler`; every `configure` that runs inside
 * `fn`'s async context (whatever it awaits included) adds that handler as inheritable.
 * Resolves to the handler once `fn` has settled. Scopes running at the same time never share
 * a handler; a scope inside another feeds both.
 *
 * @example
 * ```ts
 * const usage = await getUsageMetadataCallback(async () => {
 *   await model.invoke("Hello"); // any run configured here is counted
 * });
 * usage.usageMetadata; // { "gpt-4o-mini": { input_tokens: 8, output_tokens: 10, total_tokens: 18 } }
 * ```
 */
export async function getUsageMetadataCallback(
  fn: (handler: UsageMetadataCallbackHandler) => unknown,
): Promise<UsageMetadataCallbackHandler> {
  if (typeof fn !== "function") throw new TypeError(`callbus: getUsageMetadataCallback needs a function, got ${typeof fn}`);
  const handler = new UsageMetadataCallbackHandler();
  // One hook per scope, as Python registers one context variable per call: nested scopes both count.
  const storage = new AsyncLocalStorage<CallbackHandlerLike | undefined>();
  const unregister = registerConfigureHook({ storage, inheritable: true });
  try {
    await storage.run(handler, () => fn(handler));
  } finally {
    unregister();
  }
  return handler;
}
