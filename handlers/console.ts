/** `ConsoleCallbackHandler`: the run tree printed as it happens, with elapsed times. */
import type { CallbackHandlerInput } from "../lib/handler.js";
import { getBufferString } from "../lib/messages.js";
import type { MessageLike } from "../lib/shapes.js";
import { BaseTracer, type Run, type RunEventRecord } from "./tracer.js";

/** Options of `ConsoleCallbackHandler`. */
export interface ConsoleHandlerOptions extends CallbackHandlerInput {
  /** ANSI colours and bold (default true, as LangChain prints them). */
  colors?: boolean;
}

type Style = readonly [open: string, close: string];
const GREY: Style = ["\x1b[90m", "\x1b[39m"];
const GREEN: Style = ["\x1b[32m", "\x1b[39m"];
const CYAN: Style = ["\x1b[36m", "\x1b[39m"];
const RED: Style = ["\x1b[31m", "\x1b[39m"];
const BLUE: Style = ["\x1b[34m", "\x1b[39m"];
const BOLD: Style = ["\x1b[1m", "\x1b[22m"];

/** Run type -> the word LangChain prints (`Entering Chain run`). */
const KIND_WORDS: Readonly<Record<string, string>> = { llm: "LLM", chain: "Chain", tool: "Tool", retriever: "Retriever" };

function json(value: unknown, fallback: string): string {
  try {
    return JSON.stringify(value, null, 2) ?? fallback;
  } catch {
    return fallback;
  }
}

/** A tool's input or output: strings trimmed, the rest as JSON. */
function item(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case "number":
    case "boolean":
    case "bigint":
    case "symbol":
      return json(value, String(value));
    case "object":
      // An object JSON cannot write (a cycle) prints as "[object Object]", as it always did.
      return json(value, Object.prototype.toString.call(value));
    default:
      // A function: JSON has no form for it, so its source.
      return json(value, Function.prototype.toString.call(value));
  }
}

/** Elapsed time as LangChain prints it: `12ms`, or `1.50s` from one second on. */
export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(2)}s`;
}

/**
 * A tracer that prints every run as it starts and ends, as LangChain's
 * `ConsoleCallbackHandler` does: `[chain/start] [1:chain:Agent > 2:llm:Model] Entering LLM run
 * with input: {...}`, then `[llm/end] [...] [12ms] Exiting LLM run with output: {...}`. Chain
 * runs of another run type (`prompt`, `parser`) print under `chain`.
 *
 * @example
 * ```ts
 * const manager = CallbackManager.configure([new ConsoleCallbackHandler()]);
 * // or: CallbackManager.configure([], [], { debug: true })
 * ```
 */
export class ConsoleCallbackHandler extends BaseTracer {
  name = "console_callback_handler";
  readonly colors: boolean;

  constructor(options: ConsoleHandlerOptions = {}) {
    super(options);
    this.colors = options.colors ?? true;
  }

  private wrap(style: Style, text: string): string {
    return this.colors ? `${style[0]}${text}${style[1]}` : text;
  }

  private print(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  /** `1:chain:Agent > 2:llm:Model`, the run itself in bold. */
  private breadcrumbs(run: Run): string {
    const path = [...this.getParents(run).reverse(), run]
      .map((r, i, all) => {
        const crumb = `${r.executionOrder}:${r.runType}:${r.name}`;
        return i === all.length - 1 ? this.wrap(BOLD, crumb) : crumb;
      })
      .join(" > ");
    return this.wrap(GREY, path);
  }

  private kind(run: Run): string {
    return KIND_WORDS[run.runType] === undefined ? "chain" : run.runType;
  }

  protected override onRunStart(run: Run): void {
    const kind = this.kind(run);
    let input: string;
    if (kind === "tool") input = `"${item(run.inputs.input)}"`;
    else if (kind === "llm") input = json(llmInputs(run.inputs), "[inputs]");
    else input = json(run.inputs, "[inputs]");
    this.print(`${this.wrap(GREEN, `[${kind}/start]`)} [${this.breadcrumbs(run)}] Entering ${KIND_WORDS[kind]} run with input: ${input}`);
  }

  protected override onRunEnd(run: Run): void {
    const kind = this.kind(run);
    const elapsed = formatElapsed((run.endTime ?? run.startTime) - run.startTime);
    const head = `[${this.breadcrumbs(run)}] [${elapsed}]`;
    if (run.error !== undefined) {
      this.print(`${this.wrap(RED, `[${kind}/error]`)} ${head} ${KIND_WORDS[kind]} run errored with error: ${json(run.error, "[error]")}`);
      return;
    }
    const output = kind === "tool" ? `"${item(run.outputs?.output)}"` : json(run.outputs, "[outputs]");
    this.print(`${this.wrap(CYAN, `[${kind}/end]`)} ${head} Exiting ${KIND_WORDS[kind]} run with output: ${output}`);
  }

  protected override onRunEvent(run: Run, event: RunEventRecord): void {
    if (event.name !== "agent_action") return;
    this.print(`${this.wrap(BLUE, "[agent/action]")} [${this.breadcrumbs(run)}] Agent selected action: ${json(event.kwargs?.action, "[action]")}`);
  }
}

/** Model inputs as LangChain prints them: prompts trimmed, chat messages as buffer strings. */
function llmInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(inputs.prompts)) return { prompts: (inputs.prompts as unknown[]).map((p) => String(p).trim()) };
  if (Array.isArray(inputs.messages)) return { prompts: (inputs.messages as MessageLike[][]).map((list) => getBufferString(list)) };
  return inputs;
}
