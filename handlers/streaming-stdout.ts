/** `StreamingStdOutCallbackHandler`: tokens on stdout as they arrive. */
import { BaseCallbackHandler } from "../lib/handler.js";

/**
 * Writes each new LLM token to stdout the moment it arrives, and nothing else (LangChain's
 * `StreamingStdOutCallbackHandler`).
 *
 * @example
 * ```ts
 * const [llm] = CallbackManager.configure([new StreamingStdOutCallbackHandler()]).handleLLMStart({ name: "m" }, ["hi"]);
 * llm.handleLLMNewToken("Hel"); llm.handleLLMNewToken("lo"); // prints "Hello"
 * ```
 */
export class StreamingStdOutCallbackHandler extends BaseCallbackHandler {
  name = "streaming_stdout_callback_handler";


  handleLLMNewToken(token: string): void {
    process.stdout.write(token);
  }
}
