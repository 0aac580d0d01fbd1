/**
 * The text LangChain Python's `StdOutCallbackHandler` and `FileCallbackHandler` print for
 * chains, agents, tools and `handleText`, byte for byte. Subclasses say where it goes and
 * whether chain titles are bold (stdout) or plain (file).
 */
import { BaseCallbackHandler, type CallbackHandlerInput } from "../lib/handler.js";
import type { PrintOptions } from "../lib/events.js";
import type { AgentAction, AgentFinish, ChainValues, Serialized } from "../lib/shapes.js";
import { assertColor, boldedText, printText } from "./colors.js";

/** Options of the printing handlers. */
export interface TextHandlerOptions extends CallbackHandlerInput {
  /** Default colour of agent logs, tool outputs and texts: `blue`, `yellow`, `pink`, `green` or `red`. */
  color?: string;
}

/**
 * Python's chain-name rule: the run name when one is given, else `serialized.name`, else the
 * last id item, else `<unknown>`. An empty run name prints as empty when `keepEmpty` (Python's
 * stdout handler), and falls back like a missing one otherwise (its file handler).
 */
export function chainName(serialized: Serialized | undefined, runName: string | undefined, keepEmpty = true): string {
  if (typeof runName === "string" && (runName !== "" || keepEmpty)) return runName;
  return serialized?.name || serialized?.id?.[serialized.id.length - 1] || "<unknown>";
}

/**
 * What a tool's output prints as: strings as they are, messages by their content, arrays and
 * plain objects as JSON, other objects by their own `toString()`.
 */
export function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (output === null || typeof output !== "object") return String(output);
  const content = (output as { content?: unknown }).content;
  if (typeof content === "string") return content;
  // Arrays too: their own toString() would print `x,1`, which says nothing of the values.
  const ownToString = (output as { toString?: unknown }).toString;
  if (!Array.isArray(output) && typeof ownToString === "function" && ownToString !== Object.prototype.toString) return String((ownToString as () => unknown).call(output));
  // What an object without a string form of its own prints as: "[object Object]".
  const plain = Object.prototype.toString.call(output);
  try {
    return JSON.stringify(output) ?? plain;
  } catch {
    return plain;
  }
}

/**
 * Base of `StdOutCallbackHandler` and `FileCallbackHandler`: Python's texts for chain start and
 * end, agent actions and finishes, tool outputs and `handleText`, honouring the `color`, `end`,
 * `observationPrefix` and `llmPrefix` an event carries (else the handler's `color`).
 */
export abstract class TextCallbackHandler extends BaseCallbackHandler {
  /** The colour used when an event gives none. */
  readonly color: string | undefined;
  /** Whether chain titles are bold (Python's stdout handler) or plain (its file handler). */
  protected abstract readonly boldTitles: boolean;
  /** Whether tool outputs are coloured: Python's stdout handler colours them, its file handler does not. */
  protected abstract readonly colorToolOutput: boolean;
  /** Whether an empty run name prints as empty (Python's stdout handler) or falls back to the serialized name (its file handler). */
  protected abstract readonly keepEmptyRunName: boolean;

  constructor(options: TextHandlerOptions = {}) {
    super(options);
    if (options.color !== undefined) assertColor(options.color, `${new.target.name} color`);
    this.color = options.color;
  }

  /** Sends printed text to its destination. */
  protected abstract write(text: string): void;

  private title(text: string): string {
    return this.boldTitles ? boldedText(text) : text;
  }

  handleChainStart(
    serialized: Serialized,
    _inputs: ChainValues,
    _runId?: string,
    _parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    _runType?: string,
    runName?: string,
  ): void {
    this.write(`\n\n${this.title(`> Entering new ${chainName(serialized, runName, this.keepEmptyRunName)} chain...`)}\n`);
  }

  handleChainEnd(): void {
    this.write(`\n${this.title("> Finished chain.")}\n`);
  }

  handleAgentAction(action: AgentAction, _runId?: string, _parentRunId?: string, _tags?: string[], options?: PrintOptions): void {
    this.write(printText(action.log, options?.color || this.color));
  }

  handleToolEnd(output: unknown, _runId?: string, _parentRunId?: string, _tags?: string[], options?: PrintOptions): void {
    let text = "";
    if (options?.observationPrefix !== undefined) text += `\n${options.observationPrefix}`;
    text += this.colorToolOutput ? printText(outputText(output), options?.color || this.color) : outputText(output);
    if (options?.llmPrefix !== undefined) text += `\n${options.llmPrefix}`;
    this.write(text);
  }

  handleText(text: string, _runId?: string, _parentRunId?: string, _tags?: string[], options?: PrintOptions): void {
    this.write(printText(text, options?.color || this.color, options?.end ?? ""));
  }

  handleAgentEnd(finish: AgentFinish, _runId?: string, _parentRunId?: string, _tags?: string[], options?: PrintOptions): void {
    this.write(printText(finish.log, options?.color || this.color, "\n"));
  }
}
