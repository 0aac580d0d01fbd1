/**
 * Real LangChain.js runs (a RunnableSequence with a chat model, a retriever and a tool, from
 * `@langchain/core`) with the handler in `callbacks`: one span per run, the span tree equal to
 * the run tree LangChain's own run collector builds, roots under the caller's active span.
 */
import { context, SpanStatusCode } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { Document } from "@langchain/core/documents";
import { AIMessage, type BaseMessage, type ToolMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda, RunnableSequence } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { RunCollectorCallbackHandler } from "@langchain/core/tracers/run_collector";
import { FakeListChatModel, FakeRetriever, FakeStreamingChatModel } from "@langchain/core/utils/testing";
import { CallbackBus } from "callbus";
import { OpenTelemetryCallbackHandler } from "callbus/otel";
import { idOf, memoryTracing, parentIdOf, spanTrees, type NameTree } from "./tracing";

/** A chat model that answers like LangChain.js's ChatOpenAI: `ls_*` params, invocation params, usage. */
class FakeOpenAIChat extends FakeListChatModel {
  override getLsParams(options: this["ParsedCallOptions"]) {
    return { ...super.getLsParams(options), ls_provider: "openai", ls_model_name: "gpt-4o-mini" };
  }
  override invocationParams() {
    return { model: "gpt-4o-mini", temperature: 0, max_tokens: 64 };
  }
  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const result = await super._generate(messages, options);
    const text = result.generations[0].text;
    result.generations[0].message = new AIMessage({
      content: text,
      usage_metadata: { input_tokens: 21, output_tokens: 2, total_tokens: 23 },
      response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" },
    });
    return result;
  }
}

const lookup = tool(async (input) => `${(input as { city: string }).city} is in France`, {
  name: "lookup",
  description: "Where a city is",
  schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
});

/** retriever -> prompt -> model -> parser -> tool call, as one RunnableSequence named "agent". */
function agent() {
  const retriever = new FakeRetriever({ output: [new Document({ pageContent: "Paris is a city.", id: "doc-1" })] });
  const prompt = ChatPromptTemplate.fromMessages([
    ["system", "Context: {context}"],
    ["human", "{question}"],
  ]);
  const gather = RunnableLambda.from(async (question: string, config) => {
    const docs = await retriever.invoke(question, config);
    return { context: docs.map((d) => d.pageContent).join("\n"), question };
  }).withConfig({ runName: "gather" });
  const act = RunnableLambda.from(async (city: string, config) => {
    // Called with a tool call, a tool answers with a ToolMessage.
    const message: unknown = await lookup.invoke({ id: "call_42", name: "lookup", args: { city }, type: "tool_call" }, config);
    return (message as ToolMessage).text;
  }).withConfig({ runName: "act" });
  const model = new FakeOpenAIChat({ responses: ["Paris"] });
  return RunnableSequence.from([gather, prompt, model, new StringOutputParser(), act]).withConfig({ runName: "agent" });
}

/** What the tests read of a run LangChain's run collector traced. */
interface Run {
  name: string;
  run_type: string;
  execution_order?: number;
  extra?: Record<string, unknown>;
  child_runs?: Run[];
}

/** The span name each run should have under the GenAI conventions. */
function expectedName(run: Run, root: boolean): string {
  switch (run.run_type) {
    case "llm":
      const model = (run.extra?.metadata as Record<string, unknown> | undefined)?.ls_model_name;
      return `chat ${typeof model === "string" ? model : run.name}`;
    case "tool":
      return `execute_tool ${run.name}`;
    case "retriever":
      return `retrieval ${run.name}`;
    default:
      return root ? `invoke_workflow ${run.name}` : run.name;
  }
}

function runTree(run: Run, root = true): NameTree {
  const children = [...(run.child_runs ?? [])].sort((a, b) => (a.execution_order ?? 0) - (b.execution_order ?? 0));
  return { name: expectedName(run, root), children: children.map((c) => runTree(c, false)) };
}

let contextManager: AsyncLocalStorageContextManager;
beforeAll(() => {
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

describe("LangChain.js runs", () => {
  test("one span per run; the span tree equals LangChain's run tree; model span from what LangChain sends", async () => {
    const { spans, span, provider } = memoryTracing();
    const otel = new OpenTelemetryCallbackHandler({ tracerProvider: provider });
    const collector = new RunCollectorCallbackHandler();
    const answer = await agent().invoke("Where is Paris?", { callbacks: [otel, collector] });
    await awaitAllCallbacks();

    expect(answer).toBe("Paris is in France");
    expect(collector.tracedRuns).toHaveLength(1);
    const countRuns = (run: Run): number => 1 + (run.child_runs ?? []).reduce((n, c) => n + countRuns(c), 0);
    expect(spans()).toHaveLength(countRuns(collector.tracedRuns[0]));
    expect(spanTrees(spans())).toEqual([runTree(collector.tracedRuns[0])]);
    expect(spanTrees(spans())[0].children.map((c) => c.name)).toEqual(["gather", "ChatPromptTemplate", "chat gpt-4o-mini", "StrOutputParser", "act"]);

    expect(span("chat gpt-4o-mini").attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0,
      "gen_ai.request.max_tokens": 64,
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 21,
      "gen_ai.usage.output_tokens": 2,
    });
    expect(span("execute_tool lookup").attributes).toMatchObject({ "gen_ai.tool.name": "lookup", "gen_ai.tool.call.id": "call_42" });
    expect(span("retrieval FakeRetriever").attributes).toMatchObject({ "gen_ai.operation.name": "retrieval" });
    expect(span("invoke_workflow agent").attributes).toMatchObject({ "gen_ai.workflow.name": "agent" });
    expect(otel.liveSpanCount).toBe(0);
  });

  test("through the bus (asLangChainHandler + attach): the same tree", async () => {
    const { spans, provider } = memoryTracing();
    const bus = new CallbackBus();
    const otel = new OpenTelemetryCallbackHandler({ tracerProvider: provider });
    bus.attach(otel);
    const collector = new RunCollectorCallbackHandler();
    await agent().invoke("Where is Paris?", { callbacks: [bus.asLangChainHandler(), collector] });
    await awaitAllCallbacks();
    await bus.flush();

    expect(spanTrees(spans())).toEqual([runTree(collector.tracedRuns[0])]);
    expect(otel.liveSpanCount).toBe(0);
  });

  test("a root run nests under the caller's active span (an HTTP request); concurrent requests do not mix", async () => {
    const { spans, span, provider } = memoryTracing();
    const tracer = provider.getTracer("http-server");
    const otel = new OpenTelemetryCallbackHandler({ tracerProvider: provider });
    const request = (path: string) =>
      tracer.startActiveSpan(`GET ${path}`, async (server) => {
        try {
          return await agent().invoke(`question for ${path}`, { callbacks: [otel] });
        } finally {
          server.end();
        }
      });
    await Promise.all([request("/a"), request("/b"), request("/c")]);
    await awaitAllCallbacks();

    const workflows = spans().filter((s) => s.name === "invoke_workflow agent");
    expect(workflows).toHaveLength(3);
    const parents = workflows.map(parentIdOf).sort();
    expect(parents).toEqual([idOf(span("GET /a")), idOf(span("GET /b")), idOf(span("GET /c"))].sort());
    for (const workflow of workflows) {
      const server = spans().find((s) => idOf(s) === parentIdOf(workflow))!;
      expect(workflow.spanContext().traceId).toBe(server.spanContext().traceId);
      // The request's trace holds the request span and the agent's 8 runs, and nothing of the other requests.
      const sameTrace = spans().filter((s) => s.spanContext().traceId === server.spanContext().traceId);
      expect(spanTrees(sameTrace)).toHaveLength(1);
      expect(sameTrace).toHaveLength(1 + 8);
    }
  });

  test("a span made active inside a run does not become the parent of the run's children: parentRunId decides", async () => {
    const { spans, span, provider } = memoryTracing();
    const tracer = provider.getTracer("app");
    const otel = new OpenTelemetryCallbackHandler({ tracerProvider: provider });
    const step = RunnableLambda.from(async (city: string, config) =>
      tracer.startActiveSpan("db query", async (db) => {
        try {
          return await lookup.invoke({ city }, config);
        } finally {
          db.end();
        }
      }),
    ).withConfig({ runName: "step" });
    await step.invoke("Lyon", { callbacks: [otel] });
    await awaitAllCallbacks();

    expect(parentIdOf(span("execute_tool lookup"))).toBe(idOf(span("invoke_workflow step")));
    expect(parentIdOf(span("db query"))).not.toBe(idOf(span("execute_tool lookup")));
    expect(spans()).toHaveLength(3);
  });

  test("streaming: FakeListChatModel and FakeStreamingChatModel tokens mark the stream and its first chunk", async () => {
    const { span, provider } = memoryTracing();
    const otel = new OpenTelemetryCallbackHandler({ tracerProvider: provider, captureContent: true });
    const list = new FakeListChatModel({ responses: ["Bonjour"], generationInfo: { finish_reason: "stop" } });
    let text = "";
    for await (const chunk of await list.stream("hi", { callbacks: [otel], runName: "list" })) text += chunk.text;
    const streaming = new FakeStreamingChatModel({ sleep: 1, responses: [new AIMessage("Hej")] });
    for await (const chunk of await streaming.stream("hi", { callbacks: [otel], runName: "streaming" })) text += chunk.text;
    await awaitAllCallbacks();

    expect(text).toBe("BonjourHej");
    for (const name of ["chat list", "chat streaming"]) {
      const attributes = span(name).attributes;
      expect(attributes["gen_ai.request.stream"]).toBe(true);
      expect(attributes["gen_ai.response.time_to_first_chunk"]).toEqual(expect.any(Number));
    }
    expect(span("chat list").attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"]);
    expect(JSON.parse(span("chat list").attributes["gen_ai.output.messages"] as string)).toEqual([{ role: "assistant", parts: [{ type: "text", content: "Bonjour" }], finish_reason: "stop" }]);
  });

  test("a step that throws: its span and the workflow's end with status ERROR; nothing stays live", async () => {
    const { spans, span, provider } = memoryTracing();
    const otel = new OpenTelemetryCallbackHandler({ tracerProvider: provider });
    const failing = RunnableSequence.from([
      RunnableLambda.from((x: string) => x.toUpperCase()).withConfig({ runName: "upper" }),
      RunnableLambda.from((): string => {
        throw new SyntaxError("cannot parse");
      }).withConfig({ runName: "parse" }),
    ]).withConfig({ runName: "job" });
    await expect(failing.invoke("x", { callbacks: [otel] })).rejects.toThrow("cannot parse");
    await awaitAllCallbacks();

    expect(spans()).toHaveLength(3);
    expect(span("upper").status.code).toBe(SpanStatusCode.UNSET);
    for (const name of ["parse", "invoke_workflow job"]) {
      expect(span(name).status).toEqual({ code: SpanStatusCode.ERROR, message: "cannot parse" });
      expect(span(name).attributes["error.type"]).toBe("SyntaxError");
    }
    expect(otel.liveSpanCount).toBe(0);
  });
});
