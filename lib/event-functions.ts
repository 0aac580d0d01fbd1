// Written by `npm run generate` (scripts/event-functions-source.ts) from the event table in
// event-table.ts; do not edit by hand. A test fails when this file and the table disagree.
/**
 * The per-event functions: for each event, plain property reads and one object literal, so
 * each is type-checked against its payload and V8 caches every access (docs/design.md).
 */
import type { CallbackEventName, CallbackEvents } from "./event-table.js";
import type { EventFunctions, HandlerFields, HandlerMethod } from "./event-function-types.js";

/** The chunk argument of handleLLMNewToken: an object of the fields that are set, or undefined. */
function llmNewTokenBag5(p: CallbackEvents["llmNewToken"]): Record<string, unknown> | undefined {
  let b: Record<string, unknown> | undefined;
  if (p.chunk !== undefined) (b ??= {}).chunk = p.chunk;
  return b;
}

/** The inputs argument of handleChainEnd: an object of the fields that are set, or undefined. */
function chainEndBag4(p: CallbackEvents["chainEnd"]): Record<string, unknown> | undefined {
  let b: Record<string, unknown> | undefined;
  if (p.inputs !== undefined) (b ??= {}).inputs = p.inputs;
  return b;
}

/** The inputs argument of handleChainError: an object of the fields that are set, or undefined. */
function chainErrorBag4(p: CallbackEvents["chainError"]): Record<string, unknown> | undefined {
  let b: Record<string, unknown> | undefined;
  if (p.inputs !== undefined) (b ??= {}).inputs = p.inputs;
  return b;
}

/** The color, end, observationPrefix, llmPrefix argument of handleToolEnd: an object of the fields that are set, or undefined. */
function toolEndBag4(p: CallbackEvents["toolEnd"]): Record<string, unknown> | undefined {
  let b: Record<string, unknown> | undefined;
  if (p.color !== undefined) (b ??= {}).color = p.color;
  if (p.end !== undefined) (b ??= {}).end = p.end;
  if (p.observationPrefix !== undefined) (b ??= {}).observationPrefix = p.observationPrefix;
  if (p.llmPrefix !== undefined) (b ??= {}).llmPrefix = p.llmPrefix;
  return b;
}

/** The color, end, observationPrefix, llmPrefix argument of handleAgentAction: an object of the fields that are set, or undefined. */
function agentActionBag4(p: CallbackEvents["agentAction"]): Record<string, unknown> | undefined {
  let b: Record<string, unknown> | undefined;
  if (p.color !== undefined) (b ??= {}).color = p.color;
  if (p.end !== undefined) (b ??= {}).end = p.end;
  if (p.observationPrefix !== undefined) (b ??= {}).observationPrefix = p.observationPrefix;
  if (p.llmPrefix !== undefined) (b ??= {}).llmPrefix = p.llmPrefix;
  return b;
}

/** The color, end, observationPrefix, llmPrefix argument of handleAgentEnd: an object of the fields that are set, or undefined. */
function agentEndBag4(p: CallbackEvents["agentEnd"]): Record<string, unknown> | undefined {
  let b: Record<string, unknown> | undefined;
  if (p.color !== undefined) (b ??= {}).color = p.color;
  if (p.end !== undefined) (b ??= {}).end = p.end;
  if (p.observationPrefix !== undefined) (b ??= {}).observationPrefix = p.observationPrefix;
  if (p.llmPrefix !== undefined) (b ??= {}).llmPrefix = p.llmPrefix;
  return b;
}

/** The color, end, observationPrefix, llmPrefix argument of handleText: an object of the fields that are set, or undefined. */
function textBag4(p: CallbackEvents["text"]): Record<string, unknown> | undefined {
  let b: Record<string, unknown> | undefined;
  if (p.color !== undefined) (b ??= {}).color = p.color;
  if (p.end !== undefined) (b ??= {}).end = p.end;
  if (p.observationPrefix !== undefined) (b ??= {}).observationPrefix = p.observationPrefix;
  if (p.llmPrefix !== undefined) (b ??= {}).llmPrefix = p.llmPrefix;
  return b;
}

/** Event name -> its functions. */
export const EVENT_FUNCTIONS: { readonly [E in CallbackEventName]: EventFunctions<E> } = {
  llmStart: {
    methodOf(handler) {
      const h = handler as HandlerFields<"llmStart">;
      if (h.ignoreLLM === true) return undefined;
      const m = h.handleLLMStart;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p, unnamed) {
      return m.call(h, p.serialized, p.prompts, p.runId, p.parentRunId, p.extraParams, p.tags, p.metadata, unnamed === true ? undefined : p.name);
    },
    args(p, unnamed) {
      return [p.serialized, p.prompts, p.runId, p.parentRunId, p.extraParams, p.tags, p.metadata, unnamed === true ? undefined : p.name];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["llmStart"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, serialized: f.serialized, prompts: f.prompts, extraParams: f.extraParams, name: f.name };
      return run.sendEvent(this, payload);
    },
  },
  chatModelStart: {
    methodOf(handler) {
      const h = handler as HandlerFields<"chatModelStart">;
      if (h.ignoreLLM === true || h.ignoreChatModel === true) return undefined;
      const m = h.handleChatModelStart;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p, unnamed) {
      return m.call(h, p.serialized, p.messages, p.runId, p.parentRunId, p.extraParams, p.tags, p.metadata, unnamed === true ? undefined : p.name);
    },
    args(p, unnamed) {
      return [p.serialized, p.messages, p.runId, p.parentRunId, p.extraParams, p.tags, p.metadata, unnamed === true ? undefined : p.name];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["chatModelStart"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, serialized: f.serialized, messages: f.messages, extraParams: f.extraParams, name: f.name };
      return run.sendEvent(this, payload);
    },
  },
  llmNewToken: {
    methodOf(handler) {
      const h = handler as HandlerFields<"llmNewToken">;
      if (h.ignoreLLM === true) return undefined;
      const m = h.handleLLMNewToken;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.token, p.idx, p.runId, p.parentRunId, p.tags, llmNewTokenBag5(p));
    },
    args(p) {
      return [p.token, p.idx, p.runId, p.parentRunId, p.tags, llmNewTokenBag5(p)];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["llmNewToken"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, token: f.token, idx: f.idx, chunk: f.chunk };
      return run.sendEvent(this, payload);
    },
  },
  llmEnd: {
    methodOf(handler) {
      const h = handler as HandlerFields<"llmEnd">;
      if (h.ignoreLLM === true) return undefined;
      const m = h.handleLLMEnd;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.output, p.runId, p.parentRunId, p.tags, p.extraParams);
    },
    args(p) {
      return [p.output, p.runId, p.parentRunId, p.tags, p.extraParams];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["llmEnd"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, output: f.output, extraParams: f.extraParams };
      return run.sendEvent(this, payload);
    },
  },
  llmError: {
    methodOf(handler) {
      const h = handler as HandlerFields<"llmError">;
      if (h.ignoreLLM === true) return undefined;
      const m = h.handleLLMError;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.error, p.runId, p.parentRunId, p.tags, p.extraParams);
    },
    args(p) {
      return [p.error, p.runId, p.parentRunId, p.tags, p.extraParams];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["llmError"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, error: f.error, extraParams: f.extraParams };
      return run.sendEvent(this, payload);
    },
  },
  chainStart: {
    methodOf(handler) {
      const h = handler as HandlerFields<"chainStart">;
      if (h.ignoreChain === true) return undefined;
      const m = h.handleChainStart;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p, unnamed) {
      return m.call(h, p.serialized, p.inputs, p.runId, p.parentRunId, p.tags, p.metadata, p.runType, unnamed === true ? undefined : p.name, p.extraParams);
    },
    args(p, unnamed) {
      return [p.serialized, p.inputs, p.runId, p.parentRunId, p.tags, p.metadata, p.runType, unnamed === true ? undefined : p.name, p.extraParams];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["chainStart"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, serialized: f.serialized, inputs: f.inputs, runType: f.runType, name: f.name, extraParams: f.extraParams };
      return run.sendEvent(this, payload);
    },
  },
  chainEnd: {
    methodOf(handler) {
      const h = handler as HandlerFields<"chainEnd">;
      if (h.ignoreChain === true) return undefined;
      const m = h.handleChainEnd;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.outputs, p.runId, p.parentRunId, p.tags, chainEndBag4(p));
    },
    args(p) {
      return [p.outputs, p.runId, p.parentRunId, p.tags, chainEndBag4(p)];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["chainEnd"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, outputs: f.outputs, inputs: f.inputs };
      return run.sendEvent(this, payload);
    },
  },
  chainError: {
    methodOf(handler) {
      const h = handler as HandlerFields<"chainError">;
      if (h.ignoreChain === true) return undefined;
      const m = h.handleChainError;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.error, p.runId, p.parentRunId, p.tags, chainErrorBag4(p));
    },
    args(p) {
      return [p.error, p.runId, p.parentRunId, p.tags, chainErrorBag4(p)];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["chainError"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, error: f.error, inputs: f.inputs };
      return run.sendEvent(this, payload);
    },
  },
  toolStart: {
    methodOf(handler) {
      const h = handler as HandlerFields<"toolStart">;
      if (h.ignoreAgent === true) return undefined;
      const m = h.handleToolStart;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p, unnamed) {
      return m.call(h, p.serialized, p.input, p.runId, p.parentRunId, p.tags, p.metadata, unnamed === true ? undefined : p.name, p.toolCallId);
    },
    args(p, unnamed) {
      return [p.serialized, p.input, p.runId, p.parentRunId, p.tags, p.metadata, unnamed === true ? undefined : p.name, p.toolCallId];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["toolStart"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, serialized: f.serialized, input: f.input, name: f.name, toolCallId: f.toolCallId };
      return run.sendEvent(this, payload);
    },
  },
  toolEnd: {
    methodOf(handler) {
      const h = handler as HandlerFields<"toolEnd">;
      if (h.ignoreAgent === true) return undefined;
      const m = h.handleToolEnd;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.output, p.runId, p.parentRunId, p.tags, toolEndBag4(p));
    },
    args(p) {
      return [p.output, p.runId, p.parentRunId, p.tags, toolEndBag4(p)];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["toolEnd"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, output: f.output, color: f.color, end: f.end, observationPrefix: f.observationPrefix, llmPrefix: f.llmPrefix };
      return run.sendEvent(this, payload);
    },
  },
  toolError: {
    methodOf(handler) {
      const h = handler as HandlerFields<"toolError">;
      if (h.ignoreAgent === true) return undefined;
      const m = h.handleToolError;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.error, p.runId, p.parentRunId, p.tags);
    },
    args(p) {
      return [p.error, p.runId, p.parentRunId, p.tags];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["toolError"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, error: f.error };
      return run.sendEvent(this, payload);
    },
  },
  retrieverStart: {
    methodOf(handler) {
      const h = handler as HandlerFields<"retrieverStart">;
      if (h.ignoreRetriever === true) return undefined;
      const m = h.handleRetrieverStart;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p, unnamed) {
      return m.call(h, p.serialized, p.query, p.runId, p.parentRunId, p.tags, p.metadata, unnamed === true ? undefined : p.name);
    },
    args(p, unnamed) {
      return [p.serialized, p.query, p.runId, p.parentRunId, p.tags, p.metadata, unnamed === true ? undefined : p.name];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["retrieverStart"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, serialized: f.serialized, query: f.query, name: f.name };
      return run.sendEvent(this, payload);
    },
  },
  retrieverEnd: {
    methodOf(handler) {
      const h = handler as HandlerFields<"retrieverEnd">;
      if (h.ignoreRetriever === true) return undefined;
      const m = h.handleRetrieverEnd;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.documents, p.runId, p.parentRunId, p.tags);
    },
    args(p) {
      return [p.documents, p.runId, p.parentRunId, p.tags];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["retrieverEnd"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, documents: f.documents };
      return run.sendEvent(this, payload);
    },
  },
  retrieverError: {
    methodOf(handler) {
      const h = handler as HandlerFields<"retrieverError">;
      if (h.ignoreRetriever === true) return undefined;
      const m = h.handleRetrieverError;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.error, p.runId, p.parentRunId, p.tags);
    },
    args(p) {
      return [p.error, p.runId, p.parentRunId, p.tags];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["retrieverError"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, error: f.error };
      return run.sendEvent(this, payload);
    },
  },
  agentAction: {
    methodOf(handler) {
      const h = handler as HandlerFields<"agentAction">;
      if (h.ignoreAgent === true) return undefined;
      const m = h.handleAgentAction;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.action, p.runId, p.parentRunId, p.tags, agentActionBag4(p));
    },
    args(p) {
      return [p.action, p.runId, p.parentRunId, p.tags, agentActionBag4(p)];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["agentAction"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, action: f.action, color: f.color, end: f.end, observationPrefix: f.observationPrefix, llmPrefix: f.llmPrefix };
      return run.sendEvent(this, payload);
    },
  },
  agentEnd: {
    methodOf(handler) {
      const h = handler as HandlerFields<"agentEnd">;
      if (h.ignoreAgent === true) return undefined;
      const m = h.handleAgentEnd;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.finish, p.runId, p.parentRunId, p.tags, agentEndBag4(p));
    },
    args(p) {
      return [p.finish, p.runId, p.parentRunId, p.tags, agentEndBag4(p)];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["agentEnd"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, finish: f.finish, color: f.color, end: f.end, observationPrefix: f.observationPrefix, llmPrefix: f.llmPrefix };
      return run.sendEvent(this, payload);
    },
  },
  text: {
    methodOf(handler) {
      const h = handler as HandlerFields<"text">;
      const m = h.handleText;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.text, p.runId, p.parentRunId, p.tags, textBag4(p));
    },
    args(p) {
      return [p.text, p.runId, p.parentRunId, p.tags, textBag4(p)];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["text"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, text: f.text, color: f.color, end: f.end, observationPrefix: f.observationPrefix, llmPrefix: f.llmPrefix };
      return run.sendEvent(this, payload);
    },
  },
  retry: {
    methodOf(handler) {
      const h = handler as HandlerFields<"retry">;
      if (h.ignoreRetry === true) return undefined;
      const m = h.handleRetry;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.retryState, p.runId, p.parentRunId, p.tags);
    },
    args(p) {
      return [p.retryState, p.runId, p.parentRunId, p.tags];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["retry"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, retryState: f.retryState };
      return run.sendEvent(this, payload);
    },
  },
  customEvent: {
    methodOf(handler) {
      const h = handler as HandlerFields<"customEvent">;
      if (h.ignoreCustomEvent === true) return undefined;
      const m = h.handleCustomEvent;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.eventName, p.data, p.runId, p.tags, p.metadata);
    },
    args(p) {
      return [p.eventName, p.data, p.runId, p.tags, p.metadata];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["customEvent"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, eventName: f.eventName, data: f.data };
      return run.sendEvent(this, payload);
    },
  },
  chatModelStreamEvent: {
    methodOf(handler) {
      const h = handler as HandlerFields<"chatModelStreamEvent">;
      if (h.ignoreLLM === true) return undefined;
      const m = h.handleChatModelStreamEvent;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.event, p.runId, p.parentRunId, p.tags);
    },
    args(p) {
      return [p.event, p.runId, p.parentRunId, p.tags];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["chatModelStreamEvent"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, event: f.event };
      return run.sendEvent(this, payload);
    },
  },
  toolEvent: {
    methodOf(handler) {
      const h = handler as HandlerFields<"toolEvent">;
      if (h.ignoreAgent === true) return undefined;
      const m = h.handleToolEvent;
      return typeof m === "function" ? (m as HandlerMethod) : undefined;
    },
    invoke(m, h, p) {
      return m.call(h, p.chunk, p.runId, p.parentRunId, p.tags);
    },
    args(p) {
      return [p.chunk, p.runId, p.parentRunId, p.tags];
    },
    emitFrom(run, f) {
      const payload: CallbackEvents["toolEvent"] = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata, chunk: f.chunk };
      return run.sendEvent(this, payload);
    },
  },
};
