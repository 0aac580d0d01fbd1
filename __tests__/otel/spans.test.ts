/**
 * OpenTelemetryCallbackHandler through callbus managers and the bus, with the real SDK and an
 * in-memory exporter: names, kinds, attributes, parents (overlapping runs, runs that end out of
 * order), errors, content capture, and what happens to spans of finished runs.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { CallbackBus, CallbackManager } from "callbus";
import { OpenTelemetryCallbackHandler, type OpenTelemetryCallbackHandlerOptions } from "callbus/otel";
import { idOf, memoryTracing, parentIdOf } from "./tracing";

const serialized = (name: string) => ({ lc: 1, type: "not_implemented", id: ["test", name] });

/** A chat model's start as LangChain.js sends it: `ls_*` metadata and `invocation_params`. */
const CHAT = {
  serialized: serialized("ChatOpenAI"),
  messages: [[{ type: "system", content: "Answer briefly." }, { type: "human", content: "Capital of France?" }]],
  extraParams: { invocation_params: { model: "gpt-4o-mini", temperature: 0.2, max_tokens: 100, top_p: 0.9, stop: ["\n\n"], n: 1 } },
  metadata: { ls_provider: "openai", ls_model_name: "gpt-4o-mini", ls_model_type: "chat", thread_id: "t-7" },
};

/** A chat result as LangChain.js's ChatOpenAI returns it. */
const RESULT = {
  generations: [
    [
      {
        text: "Paris.",
        generationInfo: { finish_reason: "stop" },
        message: {
          type: "ai",
          content: "Paris.",
          usage_metadata: { input_tokens: 12, output_tokens: 3, total_tokens: 15, input_token_details: { cache_read: 4 } },
          response_metadata: { model_name: "gpt-4o-mini-2024-07-18", id: "chatcmpl-1" },
        },
      },
    ],
  ],
};

function setup(options: Omit<OpenTelemetryCallbackHandlerOptions, "tracerProvider"> = {}) {
  const tracing = memoryTracing();
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider, ...options });
  const manager = new CallbackManager(undefined, { bus: new CallbackBus(), handlers: [handler], inheritableHandlers: [handler] });
  return { ...tracing, handler, manager };
}

/** chain "agent" > (chat model, tool "search", retriever "docs"), all ended. */
function agentRun(manager: CallbackManager): void {
  const chain = manager.handleChainStart(serialized("AgentExecutor"), { question: "Capital of France?" }, undefined, undefined, undefined, undefined, "agent");
  const [llm] = chain.getChild().handleChatModelStart(CHAT.serialized, CHAT.messages, undefined, undefined, CHAT.extraParams, undefined, CHAT.metadata);
  llm.handleLLMEnd(RESULT);
  const tool = chain.getChild().handleToolStart(serialized("search"), '{"q":"France"}', undefined, undefined, undefined, undefined, "search", "call_1");
  tool.handleToolEnd("Paris is the capital of France.");
  const retriever = chain.getChild().handleRetrieverStart(serialized("docs"), "France", undefined, undefined, undefined, undefined, "docs");
  retriever.handleRetrieverEnd([{ pageContent: "Paris, capital.", metadata: { score: 0.9 }, id: "doc-1" }]);
  chain.handleChainEnd({ answer: "Paris." });
}

describe("GenAI conventions", () => {
  test("one span per run, named and kinded by the conventions, each child under its parent run's span", () => {
    const { spans, span, manager, handler } = setup();
    agentRun(manager);

    expect(spans().map((s) => s.name).sort()).toEqual(["chat gpt-4o-mini", "execute_tool search", "invoke_workflow agent", "retrieval docs"]);
    const root = span("invoke_workflow agent");
    expect(parentIdOf(root)).toBeUndefined();
    expect(root.kind).toBe(SpanKind.INTERNAL);
    expect(root.attributes).toEqual({ "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "agent" });
    for (const name of ["chat gpt-4o-mini", "execute_tool search", "retrieval docs"]) {
      expect(parentIdOf(span(name))).toBe(idOf(root));
      expect(span(name).spanContext().traceId).toBe(root.spanContext().traceId);
    }
    expect(span("chat gpt-4o-mini").kind).toBe(SpanKind.CLIENT);
    expect(span("execute_tool search").kind).toBe(SpanKind.INTERNAL);
    expect(span("retrieval docs").kind).toBe(SpanKind.INTERNAL);
    expect(spans().every((s) => s.status.code === SpanStatusCode.UNSET)).toBe(true);
    expect(handler.liveSpanCount).toBe(0);
  });

  test("model spans carry request parameters, response, finish reasons and usage; no content by default", () => {
    const { span, manager } = setup();
    agentRun(manager);

    expect(span("chat gpt-4o-mini").attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 100,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.stop_sequences": ["\n\n"],
      "gen_ai.conversation.id": "t-7",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 3,
      "gen_ai.usage.cache_read.input_tokens": 4,
    });
    expect(span("execute_tool search").attributes).toEqual({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "search",
      "gen_ai.tool.type": "function",
      "gen_ai.tool.call.id": "call_1",
    });
    expect(span("retrieval docs").attributes).toEqual({ "gen_ai.operation.name": "retrieval" });
  });

  test("captureContent records messages, tool arguments and results, the query and the documents", () => {
    const { span, manager } = setup({ captureContent: true });
    agentRun(manager);

    const chat = span("chat gpt-4o-mini").attributes;
    expect(JSON.parse(chat["gen_ai.input.messages"] as string)).toEqual([
      { role: "system", parts: [{ type: "text", content: "Answer briefly." }] },
      { role: "user", parts: [{ type: "text", content: "Capital of France?" }] },
    ]);
    expect(JSON.parse(chat["gen_ai.output.messages"] as string)).toEqual([{ role: "assistant", parts: [{ type: "text", content: "Paris." }], finish_reason: "stop" }]);
    expect(span("execute_tool search").attributes).toMatchObject({ "gen_ai.tool.call.arguments": '{"q":"France"}', "gen_ai.tool.call.result": "Paris is the capital of France." });
    const retrieval = span("retrieval docs").attributes;
    expect(retrieval["gen_ai.retrieval.query.text"]).toBe("France");
    expect(JSON.parse(retrieval["gen_ai.retrieval.documents"] as string)).toEqual([{ id: "doc-1", score: 0.9, content: "Paris, capital." }]);
  });

  test("the standard environment variable turns content on; the option wins over it", () => {
    const before = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = "true";
    try {
      const fromEnv = setup();
      agentRun(fromEnv.manager);
      expect(fromEnv.handler.captureContent).toBe(true);
      expect(fromEnv.span("chat gpt-4o-mini").attributes["gen_ai.input.messages"]).toEqual(expect.any(String));

      const optedOut = setup({ captureContent: false });
      agentRun(optedOut.manager);
      expect(optedOut.span("chat gpt-4o-mini").attributes["gen_ai.input.messages"]).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
      else process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = before;
    }
  });

  test("tool calls and tool results appear as parts of the messages", () => {
    const { span, manager } = setup({ captureContent: true });
    const messages = [
      [
        { type: "ai", content: "", tool_calls: [{ id: "call_9", name: "search", args: { q: "Oslo" } }] },
        { type: "tool", content: "Oslo is in Norway.", tool_call_id: "call_9" },
      ],
    ];
    const [llm] = manager.handleChatModelStart(CHAT.serialized, messages, undefined, undefined, CHAT.extraParams, undefined, CHAT.metadata);
    llm.handleLLMEnd({ generations: [[{ text: "Norway.", message: { type: "ai", content: "Norway.", response_metadata: { finish_reason: "stop" } } }]] });

    expect(JSON.parse(span("chat gpt-4o-mini").attributes["gen_ai.input.messages"] as string)).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "call_9", name: "search", arguments: { q: "Oslo" } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_9", response: "Oslo is in Norway." }] },
    ]);
  });

  test("a completion model: text_completion span, usage from llmOutput.tokenUsage, prompts as user messages", () => {
    const { span, manager } = setup({ captureContent: true });
    const [llm] = manager.handleLLMStart(serialized("OpenAI"), ["Say hi"], undefined, undefined, { invocation_params: { model_name: "gpt-3.5-turbo-instruct" } }, undefined, { ls_provider: "openai" });
    llm.handleLLMEnd({ generations: [[{ text: "hi", generationInfo: { finishReason: "length" } }]], llmOutput: { tokenUsage: { promptTokens: 2, completionTokens: 1, totalTokens: 3 } } });

    const s = span("text_completion gpt-3.5-turbo-instruct");
    expect(s.kind).toBe(SpanKind.CLIENT);
    expect(s.attributes).toMatchObject({
      "gen_ai.operation.name": "text_completion",
      "gen_ai.usage.input_tokens": 2,
      "gen_ai.usage.output_tokens": 1,
      "gen_ai.response.finish_reasons": ["length"],
    });
    expect(JSON.parse(s.attributes["gen_ai.input.messages"] as string)).toEqual([{ role: "user", parts: [{ type: "text", content: "Say hi" }] }]);
  });

  test("streamed tokens: gen_ai.request.stream and the time to the first chunk, in seconds", () => {
    const { span, manager } = setup();
    const [llm] = manager.handleChatModelStart(CHAT.serialized, CHAT.messages, undefined, undefined, CHAT.extraParams, undefined, CHAT.metadata);
    for (const token of ["Par", "is", "."]) llm.handleLLMNewToken(token, { prompt: 0, completion: 0 });
    llm.handleLLMEnd(RESULT);

    const attributes = span("chat gpt-4o-mini").attributes;
    expect(attributes["gen_ai.request.stream"]).toBe(true);
    const seconds = attributes["gen_ai.response.time_to_first_chunk"] as number;
    expect(typeof seconds).toBe("number");
    expect(seconds).toBeGreaterThanOrEqual(0);
  });

  test("a run that fails: status ERROR with the message, error.type, an exception event", () => {
    const { spans, span, manager, handler } = setup();
    const chain = manager.handleChainStart(serialized("pipeline"), {});
    const tool = chain.getChild().handleToolStart(serialized("calculator"), "1/0");
    tool.handleToolError(new RangeError("division by zero"));
    chain.handleChainError(new Error("pipeline failed"));

    const failed = span("execute_tool calculator");
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: "division by zero" });
    expect(failed.attributes["error.type"]).toBe("RangeError");
    const exception = failed.events.find((e) => e.name === "exception");
    expect(exception?.attributes).toMatchObject({ "exception.type": "RangeError", "exception.message": "division by zero" });
    expect(span("invoke_workflow pipeline").status.code).toBe(SpanStatusCode.ERROR);
    expect(span("invoke_workflow pipeline").attributes["error.type"]).toBe("Error");
    expect(spans()).toHaveLength(2);
    expect(handler.liveSpanCount).toBe(0);
  });

  test("the error event of every kind of run ends its span with status ERROR", () => {
    const { spans, manager, handler } = setup();
    const chain = manager.handleChainStart(serialized("c"), {});
    const [llm] = chain.getChild().handleChatModelStart(CHAT.serialized, CHAT.messages, undefined, undefined, CHAT.extraParams, undefined, CHAT.metadata);
    const retriever = chain.getChild().handleRetrieverStart(serialized("r"), "q");
    const tool = chain.getChild().handleToolStart(serialized("t"), "x");
    llm.handleLLMError(new TypeError("bad request"));
    retriever.handleRetrieverError(new Error("index offline"));
    tool.handleToolError(new Error("tool failed"));
    chain.handleChainError(new Error("cancelled"));

    expect(spans()).toHaveLength(4);
    expect(spans().map((s) => s.status.code)).toEqual(Array(4).fill(SpanStatusCode.ERROR));
    expect(spans().find((s) => s.name === "chat gpt-4o-mini")?.attributes["error.type"]).toBe("TypeError");
    expect(handler.liveSpanCount).toBe(0);
  });

  test("inner chains are plain spans named after the run; a chain whose parent has no span here is a workflow", () => {
    const { span, handler } = setup();
    const manager = new CallbackManager(undefined, { bus: new CallbackBus() });
    const outer = manager.handleChainStart(serialized("outer"), {});
    // The handler joins only below the outer run: the middle chain is its root.
    const child = outer.getChild();
    child.addHandler(handler);
    const middle = child.handleChainStart(serialized("middle"), {});
    const inner = middle.getChild().handleChainStart(serialized("format"), {});
    inner.handleChainEnd({});
    middle.handleChainEnd({});
    outer.handleChainEnd({});

    expect(span("format").attributes).toEqual({});
    expect(parentIdOf(span("format"))).toBe(idOf(span("invoke_workflow middle")));
    expect(parentIdOf(span("invoke_workflow middle"))).toBeUndefined();
  });
});

describe("parents come from parentRunId", () => {
  test("overlapping runs of two traces interleaved event by event: each child under its own parent", () => {
    const { span, manager } = setup();
    const a = manager.handleChainStart(serialized("a"), {}, undefined, undefined, undefined, undefined, "trace-a");
    const b = manager.handleChainStart(serialized("b"), {}, undefined, undefined, undefined, undefined, "trace-b");
    const toolA = a.getChild().handleToolStart(serialized("tool-a"), "x");
    const toolB = b.getChild().handleToolStart(serialized("tool-b"), "y");
    const [llmB] = b.getChild().handleChatModelStart(serialized("ChatModel"), [[{ type: "human", content: "hi" }]], undefined, undefined, undefined, undefined, { ls_model_name: "m-b" });
    const [llmA] = a.getChild().handleChatModelStart(serialized("ChatModel"), [[{ type: "human", content: "hi" }]], undefined, undefined, undefined, undefined, { ls_model_name: "m-a" });
    toolB.handleToolEnd("y");
    llmA.handleLLMEnd(RESULT);
    toolA.handleToolEnd("x");
    llmB.handleLLMEnd(RESULT);
    b.handleChainEnd({});
    a.handleChainEnd({});

    const rootA = span("invoke_workflow trace-a");
    const rootB = span("invoke_workflow trace-b");
    expect(rootA.spanContext().traceId).not.toBe(rootB.spanContext().traceId);
    for (const [name, root] of [["execute_tool tool-a", rootA], ["chat m-a", rootA], ["execute_tool tool-b", rootB], ["chat m-b", rootB]] as const) {
      expect(parentIdOf(span(name))).toBe(idOf(root));
      expect(span(name).spanContext().traceId).toBe(root.spanContext().traceId);
    }
  });

  test("runs that end out of order (parent before child) keep their parents, and every span ends", () => {
    const { spans, span, manager, handler } = setup();
    const root = manager.handleChainStart(serialized("root"), {});
    const mid = root.getChild().handleChainStart(serialized("mid"), {});
    const leaf = mid.getChild().handleToolStart(serialized("leaf"), "x");
    root.handleChainEnd({});
    mid.handleChainEnd({});
    // The leaf outlives its parent and grandparent: its span keeps the parent it was given at start.
    leaf.handleToolEnd("x");

    expect(spans()).toHaveLength(3);
    expect(spans().every((s) => s.ended)).toBe(true);
    expect(parentIdOf(span("mid"))).toBe(idOf(span("invoke_workflow root")));
    expect(parentIdOf(span("execute_tool leaf"))).toBe(idOf(span("mid")));
    expect(handler.liveSpanCount).toBe(0);
  });

  test("the handler attached to a bus sees runs of every manager on it; each ended run frees its span", () => {
    const tracing = memoryTracing();
    const bus = new CallbackBus();
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider });
    const detach = bus.attach(handler);
    const manager = new CallbackManager(undefined, { bus });
    for (let i = 0; i < 100; i++) agentRun(manager);
    detach();

    expect(tracing.spans()).toHaveLength(400);
    expect(tracing.spans().filter((s) => s.name === "invoke_workflow agent")).toHaveLength(100);
    expect(handler.liveSpanCount).toBe(0);
  });
});

describe("runs ended from outside", () => {
  test("bus.endRun() ends the run and its live descendants: their spans close with status ERROR", () => {
    const tracing = memoryTracing();
    const bus = new CallbackBus();
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider });
    bus.attach(handler);
    const manager = new CallbackManager(undefined, { bus });
    const chain = manager.handleChainStart(serialized("stuck"), {});
    chain.getChild().handleChatModelStart(CHAT.serialized, CHAT.messages, undefined, undefined, CHAT.extraParams, undefined, CHAT.metadata);
    chain.getChild().handleToolStart(serialized("hangs"), "x");
    expect(handler.liveSpanCount).toBe(3);

    expect(bus.endRun(chain.runId)).toBe(true);

    expect(tracing.spans().map((s) => s.name).sort()).toEqual(["chat gpt-4o-mini", "execute_tool hangs", "invoke_workflow stuck"]);
    for (const span of tracing.spans()) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes["error.type"]).toBe("RunCancelledError");
    }
    expect(handler.liveSpanCount).toBe(0);
  });
});

describe("robustness", () => {
  test("an exporter that throws never stops a run; the spans after it still export", () => {
    const exported: ReadableSpan[] = [];
    let calls = 0;
    const flaky: SpanExporter = {
      export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
        calls++;
        if (calls % 2 === 1) throw new Error("collector down");
        exported.push(...spans);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => undefined,
    };
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(flaky)] });
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: provider });
    const bus = new CallbackBus();
    const manager = new CallbackManager(undefined, { bus, handlers: [handler], inheritableHandlers: [handler] });
    const errors: unknown[] = [];
    bus.on("listenerError", ({ error }) => errors.push(error));

    expect(() => agentRun(manager)).not.toThrow();
    expect(calls).toBe(4);
    expect(exported).toHaveLength(2);
    // The SDK keeps the exporter's failure to itself: not even a listenerError on the bus.
    expect(errors).toEqual([]);
    expect(handler.liveSpanCount).toBe(0);
  });

  test("options are checked, naming what is wrong", () => {
    const make = (options: unknown) => () => new OpenTelemetryCallbackHandler(options as OpenTelemetryCallbackHandlerOptions);
    expect(make({ conventions: "langfuse" })).toThrow(/conventions must be "genai" or "openinference", got "langfuse"/);
    expect(make({ tracerProvider: {} })).toThrow(/tracerProvider must be an OpenTelemetry TracerProvider/);
    expect(make({ meterProvider: 42 })).toThrow(/meterProvider must be an OpenTelemetry MeterProvider.*number 42/);
    expect(make({ captureContent: "yes" })).toThrow(/captureContent must be true or false, got "yes"/);
    expect(make(null)).toThrow(/options must be an object, got null/);
  });

  test("a thrown non-error: error.type _OTHER, its text as status message and exception", () => {
    const { span, handler } = setup();
    handler.handleChainStart(serialized("job"), {}, "run-1");
    handler.handleChainError({ code: 503 }, "run-1");
    const failed = span("invoke_workflow job");
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: '{"code":503}' });
    expect(failed.attributes["error.type"]).toBe("_OTHER");
    expect(failed.events.map((e) => e.name)).toEqual(["exception"]);
  });

  test("ends and tokens of runs it never saw are ignored", () => {
    const { spans, handler } = setup();
    handler.handleLLMNewToken("x", { prompt: 0, completion: 0 }, "nope");
    handler.handleLLMEnd(RESULT, "nope");
    handler.handleChainError(new Error("x"), "nope");
    expect(spans()).toHaveLength(0);
    expect(handler.liveSpanCount).toBe(0);
  });
});
