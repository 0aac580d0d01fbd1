/**
 * OpenTelemetry handler: the chain run of `chain-run.ts` (chain > llm with 50 tokens, tool:
 * 56 events, 3 runs) with `OpenTelemetryCallbackHandler` as the one handler, beside a no-op
 * handler on the same callbus manager. The sides, as this workload fills them:
 *
 * - callbus: the OTel handler on a callbus `CallbackManager`;
 * - floor: a no-op handler with the same methods on a callbus `CallbackManager`, so
 *   callbus/floor is the handler's cost over doing nothing with the same events;
 * - @langchain/core inline / background: the same OTel handler on LangChain.js's manager.
 *
 * Spans are real SDK spans (`BasicTracerProvider`, always sampled) ended into a processor that
 * only counts them: the handler's cost, not an exporter's. One "call" here is one ended run.
 */
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { BaseCallbackHandler as LangChainHandler } from "@langchain/core/callbacks/base";
import { CallbackManager as LangChainManager } from "@langchain/core/callbacks/manager";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { CallbackBus, CallbackManager } from "callbus";
import { OpenTelemetryCallbackHandler } from "callbus/otel";
import { callbusChainRun, langchainChainRun } from "./chain-run.js";
import { FIXTURE as F, setAwaitHandlers, type Workload } from "./harness.js";

const RUNS_PER_ITERATION = 3;

/** Counts ended spans; exports nothing. */
class CountingProcessor implements SpanProcessor {
  calls = 0;
  onStart(): void {}
  onEnd(_span: ReadableSpan): void {
    this.calls++;
  }
  forceFlush = async (): Promise<void> => undefined;
  shutdown = async (): Promise<void> => undefined;
}

/** A handler that has the OTel handler's methods and does nothing but count ended runs. */
class NoopHandler extends LangChainHandler {
  name = "noop_handler";
  calls = 0;
  override handleChainStart(): void {}
  override handleLLMStart(): void {}
  override handleLLMNewToken(): void {}
  override handleToolStart(): void {}
  override handleLLMEnd(): void {
    this.calls++;
  }
  override handleToolEnd(): void {
    this.calls++;
  }
  override handleChainEnd(): void {
    this.calls++;
  }
}

/** The OTel handler beside a no-op handler on the chain run. */
export function otelChainRun(): Workload {
  return {
    name: "otel/chain-run",
    description: `chain > (llm with ${F.tokens.length} tokens, tool); callbus = OpenTelemetry handler, floor = no-op handler (both on a callbus manager)`,
    eventsPerIteration: 4 + F.tokens.length + 2,
    callsPerIteration: RUNS_PER_ITERATION,
    sides() {
      const spans = new CountingProcessor();
      const otel = new OpenTelemetryCallbackHandler({ tracerProvider: new BasicTracerProvider({ spanProcessors: [spans] }) });
      const noop = new NoopHandler();
      const withOtel = new CallbackManager(undefined, { bus: new CallbackBus(), handlers: [otel], inheritableHandlers: [otel] });
      const withNoop = new CallbackManager(undefined, { bus: new CallbackBus(), handlers: [noop], inheritableHandlers: [noop] });
      // LangChain.js uses any object with a name and handleX methods as it is (what `callbacks: [otel]`
      // does at run time); only its manager's constructor type asks for its own class.
      const asLangChain = otel as unknown as LangChainHandler;
      const lc = new LangChainManager(undefined, { handlers: [asLangChain], inheritableHandlers: [asLangChain] });
      const received = () => spans.calls;
      const setMode = (value: boolean) => setAwaitHandlers([asLangChain], value);
      return {
        callbus: { sync: true, received, iteration: () => callbusChainRun(withOtel) },
        langchainInline: { sync: false, received, enter: () => setMode(true), iteration: () => langchainChainRun(lc) },
        langchainBackground: { sync: false, received, enter: () => setMode(false), iteration: () => langchainChainRun(lc), settle: awaitAllCallbacks },
        floor: { sync: true, received: () => noop.calls, iteration: () => callbusChainRun(withNoop) },
      };
    },
  };
}
