/**
 * callbus: LangChain's callback system as a typed event bus. Everything public is exported here
 * by name; the modules behind it are internal (the API report in `etc/` records this list).
 */
export {
  EVENT_NAMES,
  ALL_EVENT_NAMES,
  HANDLER_METHODS,
  type CallbackEventName,
  type CallbackEvents,
  type SeedEventName,
  type HandlerMethodName,
  type BusEvents,
  type BusEventName,
  type ListenerErrorEvent,
  type IgnoreFlag,
  type PrintOptions,
  type RunEvent,
  type RunStartEvent,
  type LLMStartEvent,
  type ChatModelStartEvent,
  type LLMNewTokenEvent,
  type LLMEndEvent,
  type LLMErrorEvent,
  type ChainStartEvent,
  type ChainEndEvent,
  type ChainErrorEvent,
  type ToolStartEvent,
  type ToolEndEvent,
  type ToolErrorEvent,
  type RetrieverStartEvent,
  type RetrieverEndEvent,
  type RetrieverErrorEvent,
  type AgentActionEvent,
  type AgentEndEvent,
  type TextEvent,
  type RetryEvent,
  type CustomEventPayload,
  type ChatModelStreamEventPayload,
  type ToolEventPayload,
} from "./events.js";
export type * from "./shapes.js";
export type { Listener, AnyListener } from "./emitter.js";
export { CallbackBus, type CallbackBusOptions, type RunScopeOptions, type FlushOptions, type FlushResult } from "./bus.js";
export { defaultBus } from "./default-bus.js";
export type { RunLog, RunLogEntry, RunLogGap, RunLogReadOptions } from "./run-log/run-log.js";
export { RunScope } from "./run-scope.js";
export { EventStream, type BusEventItem, type EventStreamOptions } from "./event-stream.js";
export { RunEndedError, HandlerTimeoutError, RunExpiredError, RunCancelledError, EventStreamOverflowError } from "./errors.js";
export {
  BaseCallbackHandler,
  AsyncCallbackHandler,
  type CallbackHandlerLike,
  type CallbackHandlerMethods,
  type CallbackHandlerInput,
  type HandlerResult,
  type LLMManagerMixin,
  type ChainManagerMixin,
  type ToolManagerMixin,
  type RetrieverManagerMixin,
  type CallbackManagerMixin,
  type RunManagerMixin,
} from "./handler.js";
export { handleEvent, ahandleEvent, type HandleEventOptions } from "./handle-event.js";
export { getBufferString } from "./messages.js";
export { runName } from "./run-name.js";
export {
  BaseCallbackManager,
  CallbackManager,
  AsyncCallbackManager,
  getNoopManager,
  BaseRunManager,
  RunManager,
  ParentRunManager,
  AsyncRunManager,
  AsyncParentRunManager,
  CallbackManagerForLLMRun,
  CallbackManagerForChainRun,
  CallbackManagerForToolRun,
  CallbackManagerForRetrieverRun,
  AsyncCallbackManagerForLLMRun,
  AsyncCallbackManagerForChainRun,
  AsyncCallbackManagerForToolRun,
  AsyncCallbackManagerForRetrieverRun,
  type CallbackManagerOptions,
  type SyncMode,
  type AsyncMode,
  type Mode,
} from "./callback-manager.js";
export { registerConfigureHook, type Callbacks, type CallbackManagerLike, type ConfigureOptions, type ConfigureHook } from "./configure.js";
export { runWithCallbacks, currentCallbacks, type ContextCallbacks } from "./async-context.js";
export { dispatchCustomEvent, adispatchCustomEvent, type CustomEventConfig } from "./custom-events.js";
export { traceAsChainGroup, atraceAsChainGroup, CallbackManagerForChainGroup, AsyncCallbackManagerForChainGroup, type ChainGroupOptions } from "./chain-group.js";
export { shielded, type ShieldedOptions } from "./shielded.js";
export { getUsageMetadataCallback } from "./usage-callback.js";
export type { LangChainHandler, LangChainHandlerOptions } from "./langchain-handler.js";
export { MemoryRunLog, type MemoryRunLogOptions } from "./run-log/memory-run-log.js";
