/**
 * `getUsageMetadataCallback`: a `UsageMetadataCallbackHandler` that every manager configured
 * inside a function's async context includes (Python's `get_usage_metadata_callback`, built,
 * as there, on a configure hook).
 */
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import { UsageMetadataCallbackHandler } from "../handlers/usage.js";
import { BaseCallbackHandler, type CallbackHandlerLike } from "./handler.js";
import { registerConfigureHook } from "./configure.js";
import { langChainContext, type LangChainContext } from "./langchain-context.js";
import type { LLMResult } from "./shapes.js";

/**
 * Calls `fn` with a new `UsageMetadataCallbackHandler`; every `configure` that runs inside
 * `fn`'s async context (whatever it awaits included) adds that handler as inheritable, and so
 * does LangChain.js's own `configure` when the application has `@langchain/core`: LangChain.js
 * models invoked inside are counted too.
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
  countEachResultOnce(handler);
  const langchain = await langChainContext();
  // One hook per scope, as Python registers one context variable per call: nested scopes both count.
  const storage = new AsyncLocalStorage<CallbackHandlerLike | undefined>();
  const unregister = registerConfigureHook({ storage, inheritable: true });
  try {
    await storage.run(handler, () =>
      // LangChain.js keeps its hooks in its own async context: set here, inside a scope of
      // their own, they reach what `fn` runs and never the caller.
      new AsyncResource("callbus.getUsageMetadataCallback").runInAsyncScope(() => {
        if (langchain !== undefined) hookIntoLangChain(langchain, handler);
        return fn(handler);
      }),
    );
  } finally {
    unregister();
  }
  return handler;
}

let scopes = 0;

/**
 * Makes LangChain.js's own `configure` add the handler to every run it starts inside the current
 * async context. LangChain.js adds a hook's handler unless one of the same name is there, so each
 * scope gives it a relay named for that scope: nested scopes then both count.
 */
function hookIntoLangChain(langchain: LangChainContext, handler: UsageMetadataCallbackHandler): void {
  const name = `callbus_usage_metadata_${++scopes}`;
  const relay = BaseCallbackHandler.fromMethods({ name, handleLLMEnd: (output) => handler.handleLLMEnd(output) });
  langchain.registerConfigureHook({ contextVar: name, inheritable: true });
  langchain.setContextVariable(name, relay);
}

/**
 * A result can reach the handler by two paths (a callbus manager handed to LangChain.js holds
 * the handler, and LangChain.js adds the relay): each result object is counted once.
 */
function countEachResultOnce(handler: UsageMetadataCallbackHandler): void {
  const counted: WeakSet<object> = new WeakSet();
  const count = handler.handleLLMEnd.bind(handler);
  handler.handleLLMEnd = (output: LLMResult): void => {
    if (output !== null && typeof output === "object") {
      if (counted.has(output)) return;
      counted.add(output);
    }
    count(output);
  };
}
