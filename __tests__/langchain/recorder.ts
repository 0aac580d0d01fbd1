/**
 * Test helpers: a LangChain.js handler that records every call with its exact arguments, and
 * the views of a recording and of the bus that the tests compare.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HANDLER_METHODS, type CallbackBus, type CallbackEventName } from "callbus";
import { EVENT_INFO } from "../../lib/events";

/** One handler call: the method and its arguments, trailing `undefined`s dropped. */
export interface Call {
  method: string;
  args: unknown[];
}

/** One event as the tests compare it. */
export interface Step {
  event: string;
  runId: unknown;
  parentRunId: unknown;
}

const METHOD_TO_EVENT = new Map<string, CallbackEventName>(
  Object.entries(HANDLER_METHODS).map(([event, method]) => [method, event as CallbackEventName]),
);

function trimTrailing(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

/** A LangChain.js `BaseCallbackHandler` subclass with every `handleX` method, recording each call. */
export class Recorder extends BaseCallbackHandler {
  name = "recorder";
  readonly calls: Call[] = [];

  constructor(input?: ConstructorParameters<typeof BaseCallbackHandler>[0]) {
    super(input);
    for (const method of METHOD_TO_EVENT.keys()) {
      Object.defineProperty(this, method, {
        value: (...args: unknown[]) => {
          this.calls.push({ method, args: trimTrailing(args) });
        },
      });
    }
  }

  /** The recorded calls as events with their run and parent ids (read at the table's positions). */
  steps(): Step[] {
    return this.calls.map(({ method, args }) => {
      const event = METHOD_TO_EVENT.get(method)!;
      const params = EVENT_INFO[event].params;
      return { event, runId: args[params.indexOf("runId")], parentRunId: args[params.indexOf("parentRunId")] };
    });
  }
}

/** Records every event the bus delivers, with the payload. */
export function recordBus(bus: CallbackBus): { steps(): Step[]; payloads: { event: string; payload: Record<string, unknown> }[] } {
  const payloads: { event: string; payload: Record<string, unknown> }[] = [];
  bus.onAny((event, payload) => {
    payloads.push({ event, payload: payload as unknown as Record<string, unknown> });
  });
  return {
    payloads,
    steps: () => payloads.map(({ event, payload }) => ({ event, runId: payload.runId, parentRunId: payload.parentRunId })),
  };
}
