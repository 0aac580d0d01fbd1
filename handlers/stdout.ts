/** `StdOutCallbackHandler`: LangChain Python's chain, agent, tool and text output on stdout. */
import { TextCallbackHandler } from "./text.js";

/**
 * Prints what LangChain Python's `StdOutCallbackHandler` prints, byte for byte, colour and
 * bold codes included: chain entry and exit, agent logs, tool outputs with their prefixes,
 * and `handleText`.
 *
 * @example
 * ```ts
 * const manager = CallbackManager.configure([new StdOutCallbackHandler({ color: "green" })]);
 * ```
 */
export class StdOutCallbackHandler extends TextCallbackHandler {
  name = "stdout_callback_handler";
  protected readonly boldTitles = true;
  protected readonly colorToolOutput = true;
  protected readonly keepEmptyRunName = true;


  protected write(text: string): void {
    process.stdout.write(text);
  }
}
