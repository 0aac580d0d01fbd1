/**
 * Custom events (Python's `dispatch_custom_event`, LangChain.js's `dispatchCustomEvent`): an
 * event of the enclosing run, named and shaped by user code, for progress reports and the like.
 * The run is taken from `config.callbacks` or, without it, from the current async context.
 */
import { currentCallbacks, dispatchAsCurrent, type ContextCallbacks } from "./async-context.js";
import { EVENT_INFO, type CustomEventPayload } from "./events.js";

/** Where a custom event takes its parent run from. */
export interface CustomEventConfig {
  /**
   * A run manager (the event belongs to its run) or a manager (the event belongs to its
   * `parentRunId`, as in LangChain, where code inside a run holds `runManager.getChild()`).
   * Without it, the current callbacks of the async context.
   */
  callbacks?: ContextCallbacks;
}

/**
 * Emits a custom event of the enclosing run: its handlers get
 * `handleCustomEvent(name, data, runId, tags, metadata)` (unless they set `ignoreCustomEvent`)
 * and the bus emits `customEvent`. Handlers' promises are not awaited (the bus's `flush()`
 * waits for them); use `adispatchCustomEvent` to wait.
 *
 * Throws when there is no enclosing run: call it inside a handler, inside
 * `runWithCallbacks(runManager, …)`, inside `traceAsChainGroup`, or pass `{ callbacks }`.
 *
 * @example
 * ```ts
 * const run = manager.handleChainStart({ name: "import" }, {});
 * dispatchCustomEvent("progress", { rows: 100 }, { callbacks: run });
 * ```
 */
export function dispatchCustomEvent(name: string, data: object, config?: CustomEventConfig): void {
  void send(name, data, config, false, "dispatchCustomEvent()");
}

/** `dispatchCustomEvent` that settles when every handler's call has settled. */
export async function adispatchCustomEvent(name: string, data: object, config?: CustomEventConfig): Promise<void> {
  await send(name, data, config, true, "adispatchCustomEvent()");
}

function send(name: string, data: object, config: CustomEventConfig | undefined, wait: boolean, where: string): Promise<void> | undefined {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`callbus: ${where} needs a non-empty string event name, got ${name === "" ? '""' : typeof name}`);
  }
  if (data === null || (typeof data !== "object" && typeof data !== "function")) {
    throw new TypeError(`callbus: ${where} needs an object as the data of "${name}", got ${data === null ? "null" : typeof data}`);
  }
  if (config !== undefined && (config === null || typeof config !== "object")) {
    throw new TypeError(`callbus: ${where} takes a config object like { callbacks: runManager }, got ${config === null ? "null" : typeof config}`);
  }
  const callbacks = config?.callbacks ?? currentCallbacks();
  if (callbacks !== undefined && (callbacks === null || typeof callbacks !== "object" || !Array.isArray(callbacks.handlers))) {
    throw new TypeError(`callbus: ${where} takes config.callbacks as a callback manager or a run manager`);
  }
  // A run manager's run, or the run a manager starts children under.
  const runId = callbacks === undefined ? undefined : "runId" in callbacks ? callbacks.runId : callbacks.parentRunId;
  if (callbacks === undefined || runId === undefined) throw noParentRunError(where, config?.callbacks !== undefined);

  const isRun = "runId" in callbacks;
  const payload: CustomEventPayload = {
    eventName: name,
    data,
    runId,
    parentRunId: isRun ? callbacks.parentRunId : callbacks.bus.runs.parentOf(runId),
    tags: callbacks.tags,
    metadata: callbacks.metadata,
  };
  return dispatchAsCurrent(callbacks, callbacks.bus, EVENT_INFO.customEvent, payload, callbacks.handlers, wait);
}

function noParentRunError(where: string, given: boolean): Error {
  return new Error(
    [
      `callbus: ${where} is unable to dispatch a custom event without a parent run id.`,
      given
        ? "The config.callbacks given is a manager with no parentRunId (a top-level manager): pass the run manager itself, or runManager.getChild()."
        : "There is no current run in this async context: it can only be called from within an existing run (in a handler, inside runWithCallbacks(runManager, fn), or inside traceAsChainGroup).",
      "To dispatch from anywhere, pass the config explicitly: dispatchCustomEvent(name, data, { callbacks: runManager }).",
    ].join(" "),
  );
}
