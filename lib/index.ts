/** callbus: LangChain's callback system as a typed event bus. */
export * from "./events.js";
export type * from "./shapes.js";
export { TypedEmitter, type Listener, type AnyListener } from "./emitter.js";
export { CallbackBus, defaultBus, type RunScopeOptions } from "./bus.js";
export { RunScope } from "./run-scope.js";
export { EventStream, type BusEventItem, type EventStreamOptions } from "./event-stream.js";
export { RunEndedError } from "./errors.js";
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
export { handleEvent, ahandleEvent, type HandleEventOptions } from "./dispatch.js";
export { getBufferString } from "./messages.js";
export {
  BaseCallbackManager,
  CallbackManager,
  AsyncCallbackManager,
  getNoopManager,
  type CallbackManagerOptions,
} from "./callback-manager.js";
export { registerConfigureHook, type Callbacks, type CallbackManagerLike, type ConfigureOptions, type ConfigureHook } from "./configure.js";
export {
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
  type SyncMode,
  type AsyncMode,
  type Mode,
} from "./run-managers.js";
export { runWithCallbacks, currentCallbacks, type ContextCallbacks } from "./async-context.js";
export { dispatchCustomEvent, adispatchCustomEvent, type CustomEventConfig } from "./custom-events.js";
export { traceAsChainGroup, atraceAsChainGroup, CallbackManagerForChainGroup, AsyncCallbackManagerForChainGroup, type ChainGroupOptions } from "./chain-group.js";
export { shielded, type ShieldedOptions } from "./shielded.js";
export { getUsageMetadataCallback } from "./usage-callback.js";
export type { LangChainHandler, LangChainHandlerOptions } from "./langchain-handler.js";
