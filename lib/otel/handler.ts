/**
 * `OpenTelemetryCallbackHandler`: one OpenTelemetry span per run. A span opens at its run's
 * start and closes at its end or error; its parent is the span of `parentRunId`, and only a
 * root run takes the active context as parent (so a run inside an HTTP request nests under the
 * request's span). Live spans are kept by run id and dropped when their run ends, so nothing
 * stays per finished run; runs that never end are ended by the bus's idle expiry with their
 * error event, which closes their spans.
 */
import {
  context,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type MeterProvider,
  type Span,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { BaseCallbackHandler, type ChainValues, type DocumentLike, type LLMResult, type MessageLike, type Serialized } from "../index.js";
import type { Convention, ConventionName } from "./convention.js";
import { genAiConvention } from "./genai.js";
import { GenAiMetrics } from "./metrics.js";
import { openInferenceConvention } from "./openinference.js";
import { readModelRequest, readModelResponse, runNameOf, textOrJson } from "./read-langchain.js";
import type { ModelRequest, ModelResponse, RunEnd, RunKind, RunStart } from "./runs.js";

type Meta = Record<string, unknown>;

export interface OpenTelemetryCallbackHandlerOptions {
  /** Where spans go; default the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** With one, model runs record the GenAI client histograms; without, no metrics. */
  meterProvider?: MeterProvider;
  /**
   * Record messages, prompts, tool arguments and results, retrieval queries and documents (and,
   * under OpenInference, chain inputs and outputs). Default: whether the environment variable
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` is `true`; otherwise never recorded.
   */
  captureContent?: boolean;
  /** `genai` (default): the OpenTelemetry GenAI conventions; `openinference`: OpenInference's, for Phoenix. */
  conventions?: ConventionName;
}

const CONVENTIONS: Readonly<Record<ConventionName, Convention>> = { genai: genAiConvention, openinference: openInferenceConvention };

/** A run whose span is open. */
interface LiveRun {
  span: Span;
  kind: RunKind;
  /** `performance.now()` at the start. */
  startedAt: number;
  firstChunkAt?: number;
  /** Model runs only: what the metrics are labelled with. */
  request?: ModelRequest;
}

/**
 * Turns runs into OpenTelemetry spans (and, with a `meterProvider`, GenAI metrics). Works in
 * `CallbackManager.configure`, `bus.attach`, and LangChain.js `callbacks`.
 *
 * @example
 * ```ts
 * const otel = new OpenTelemetryCallbackHandler({ tracerProvider, captureContent: true });
 * await chain.invoke(input, { callbacks: [otel] });
 * ```
 */
export class OpenTelemetryCallbackHandler extends BaseCallbackHandler {
  name = "opentelemetry_callback_handler";
  readonly captureContent: boolean;
  readonly conventions: ConventionName;
  private readonly tracer: Tracer;
  private readonly convention: Convention;
  private readonly metrics: GenAiMetrics | undefined;
  private readonly live = new Map<string, LiveRun>();

  constructor(options: OpenTelemetryCallbackHandlerOptions = {}) {
    super();
    checkOptions(options);
    this.conventions = options.conventions ?? "genai";
    this.convention = CONVENTIONS[this.conventions];
    this.captureContent = options.captureContent ?? contentCaptureFromEnv();
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer("callbus");
    this.metrics = options.meterProvider === undefined ? undefined : new GenAiMetrics(options.meterProvider);
    // Called inline, LangChain.js runs this handler in the caller's async context, so a root
    // run sees the caller's active span; every method is synchronous, so nothing waits on it.
    this.awaitHandlers = true;
  }

  /** Runs whose span is open (an idle handler holds none). */
  get liveSpanCount(): number {
    return this.live.size;
  }

  /** The same handler: the spans of live runs must stay in one map whoever copies the handler list. */
  override copy(): this {
    return this;
  }

  // --- Starts ------------------------------------------------------------------------------

  handleChatModelStart(serialized: Serialized, messages: MessageLike[][], runId: string, parentRunId?: string, extraParams?: Meta, tags?: string[], metadata?: Meta, runName?: string): void {
    const parent = this.parentSpan(parentRunId);
    const meta = metadata ?? {};
    const name = runNameOf(runName, serialized, "chat_model");
    this.open(runId, parent, { kind: "chat", name, root: parent === undefined, tags: tags ?? [], metadata: meta, messages: (messages ?? []).flat(), request: readModelRequest(extraParams, meta) });
  }

  handleLLMStart(serialized: Serialized, prompts: string[], runId: string, parentRunId?: string, extraParams?: Meta, tags?: string[], metadata?: Meta, runName?: string): void {
    const parent = this.parentSpan(parentRunId);
    const meta = metadata ?? {};
    const name = runNameOf(runName, serialized, "llm");
    this.open(runId, parent, { kind: "llm", name, root: parent === undefined, tags: tags ?? [], metadata: meta, prompts: prompts ?? [], request: readModelRequest(extraParams, meta) });
  }

  handleChainStart(serialized: Serialized, inputs: ChainValues, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, _runType?: string, runName?: string): void {
    const parent = this.parentSpan(parentRunId);
    const name = runNameOf(runName, serialized, "chain");
    this.open(runId, parent, { kind: "chain", name, root: parent === undefined, tags: tags ?? [], metadata: metadata ?? {}, inputs });
  }

  handleToolStart(serialized: Serialized, input: string | Record<string, unknown>, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, runName?: string, toolCallId?: string): void {
    const parent = this.parentSpan(parentRunId);
    const name = runNameOf(runName, serialized, "tool");
    this.open(runId, parent, { kind: "tool", name, root: parent === undefined, tags: tags ?? [], metadata: metadata ?? {}, input, toolCallId });
  }

  handleRetrieverStart(serialized: Serialized, query: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, runName?: string): void {
    const parent = this.parentSpan(parentRunId);
    const name = runNameOf(runName, serialized, "retriever");
    this.open(runId, parent, { kind: "retriever", name, root: parent === undefined, tags: tags ?? [], metadata: metadata ?? {}, query });
  }

  // --- During a run ------------------------------------------------------------------------

  handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    const run = this.live.get(runId);
    if (run === undefined || run.firstChunkAt !== undefined) return;
    run.firstChunkAt = performance.now();
    const mark = this.convention.firstChunk((run.firstChunkAt - run.startedAt) / 1000);
    if (mark.attributes !== undefined) run.span.setAttributes(mark.attributes);
    if (mark.event !== undefined) run.span.addEvent(mark.event);
  }

  handleCustomEvent(eventName: string, _data: unknown, runId: string): void {
    // The event's data may be user content; its name alone is safe to record.
    this.live.get(runId)?.span.addEvent(eventName);
  }

  // --- Ends --------------------------------------------------------------------------------

  handleLLMEnd(output: LLMResult, runId: string): void {
    this.close(runId, (kind) => ({ kind: kind === "llm" ? "llm" : "chat", output, response: readModelResponse(output) }));
  }

  handleChainEnd(outputs: ChainValues, runId: string): void {
    this.close(runId, () => ({ kind: "chain", outputs }));
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.close(runId, () => ({ kind: "tool", output }));
  }

  handleRetrieverEnd(documents: DocumentLike[], runId: string): void {
    this.close(runId, () => ({ kind: "retriever", documents: Array.isArray(documents) ? documents : [] }));
  }

  handleLLMError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleChainError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleToolError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleRetrieverError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  // --- The span lifecycle ------------------------------------------------------------------

  private parentSpan(parentRunId: string | undefined): Span | undefined {
    return parentRunId === undefined ? undefined : this.live.get(parentRunId)?.span;
  }

  private open(runId: string, parent: Span | undefined, run: RunStart): void {
    // A second start of a live run id keeps the first span: one span per run, nothing orphaned.
    if (this.live.has(runId)) return;
    const plan = this.convention.start(run, this.captureContent);
    // Only a root reads the active context; a child's parent is its parent run's span, whatever is active now.
    const parentContext = parent === undefined ? context.active() : trace.setSpan(ROOT_CONTEXT, parent);
    const span = this.tracer.startSpan(plan.name, { kind: plan.kind, attributes: plan.attributes }, parentContext);
    const request = run.kind === "chat" || run.kind === "llm" ? run.request : undefined;
    this.live.set(runId, { span, kind: run.kind, startedAt: performance.now(), request });
  }

  /** Ends a run's span with the attributes of its result. The run is forgotten first, whatever happens next. */
  private close(runId: string, result: (kind: RunKind) => RunEnd): void {
    const run = this.live.get(runId);
    if (run === undefined) return;
    this.live.delete(runId);
    try {
      const end = result(run.kind);
      run.span.setAttributes(this.convention.end(end, this.captureContent));
      if (end.kind === "chat" || end.kind === "llm") this.recordMetrics(run, end.response, undefined);
    } finally {
      run.span.end();
    }
  }

  /** Ends a run's span as failed: status ERROR, `error.type`, an exception event. */
  private fail(runId: string, error: unknown): void {
    const run = this.live.get(runId);
    if (run === undefined) return;
    this.live.delete(runId);
    try {
      const type = errorTypeOf(error);
      run.span.setAttribute("error.type", type);
      run.span.recordException(error instanceof Error ? error : textOrJson(error));
      run.span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : textOrJson(error) });
      this.recordMetrics(run, undefined, type);
    } finally {
      run.span.end();
    }
  }

  private recordMetrics(run: LiveRun, response: ModelResponse | undefined, errorType: string | undefined): void {
    if (this.metrics === undefined || run.request === undefined) return;
    const now = performance.now();
    this.metrics.record({
      kind: run.kind === "llm" ? "llm" : "chat",
      request: run.request,
      response,
      errorType,
      durationSeconds: (now - run.startedAt) / 1000,
      firstChunkSeconds: run.firstChunkAt === undefined ? undefined : (run.firstChunkAt - run.startedAt) / 1000,
    });
  }
}

/** `error.type`: the error's class name (`TypeError`, `RunExpiredError`, ...), `_OTHER` for a thrown non-error. */
function errorTypeOf(error: unknown): string {
  if (!(error instanceof Error)) return "_OTHER";
  if (error.name !== "" && error.name !== "Error") return error.name;
  const ctor = error.constructor?.name;
  return ctor !== undefined && ctor !== "" ? ctor : "Error";
}

function contentCaptureFromEnv(): boolean {
  const value = typeof process === "undefined" ? undefined : process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
  return value?.trim().toLowerCase() === "true";
}

/** Checks the constructor options, naming what is wrong. */
function checkOptions(options: unknown): asserts options is OpenTelemetryCallbackHandlerOptions {
  const where = "callbus/otel: OpenTelemetryCallbackHandler";
  if (options === null || typeof options !== "object") throw new TypeError(`${where} options must be an object, got ${options === null ? "null" : typeof options}`);
  const { tracerProvider, meterProvider, captureContent, conventions } = options as Record<string, unknown>;
  if (tracerProvider !== undefined && !hasMethod(tracerProvider, "getTracer")) {
    throw new TypeError(`${where}: tracerProvider must be an OpenTelemetry TracerProvider (with getTracer), got ${describe(tracerProvider)}`);
  }
  if (meterProvider !== undefined && !hasMethod(meterProvider, "getMeter")) {
    throw new TypeError(`${where}: meterProvider must be an OpenTelemetry MeterProvider (with getMeter), got ${describe(meterProvider)}`);
  }
  if (captureContent !== undefined && typeof captureContent !== "boolean") {
    throw new TypeError(`${where}: captureContent must be true or false, got ${describe(captureContent)}`);
  }
  if (conventions !== undefined && (typeof conventions !== "string" || !Object.hasOwn(CONVENTIONS, conventions))) {
    throw new TypeError(`${where}: conventions must be "genai" or "openinference", got ${describe(conventions)}`);
  }
}

function hasMethod(value: unknown, name: string): boolean {
  return typeof value === "object" && value !== null && typeof (value as Record<string, unknown>)[name] === "function";
}

/** A bad option's value, as an error message shows it. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${typeof value} ${String(value)}`;
  if (typeof value === "object") {
    // An object made with Object.create(null) has no constructor.
    const kind = (value as { constructor?: { name?: string } }).constructor?.name;
    return kind !== undefined && kind !== "" && kind !== "Object" ? `a ${kind}` : "an object without it";
  }
  return typeof value;
}
