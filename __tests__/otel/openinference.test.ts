/** `conventions: "openinference"`: OpenInference attributes for Phoenix, flattened lists, content only when asked. */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { CallbackBus, CallbackManager } from "callbus";
import { OpenTelemetryCallbackHandler } from "callbus/otel";
import { idOf, memoryTracing, parentIdOf } from "./tracing";

const serialized = (name: string) => ({ lc: 1, type: "not_implemented", id: ["test", name] });

function run(captureContent: boolean) {
  const tracing = memoryTracing();
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider, conventions: "openinference", captureContent });
  const manager = new CallbackManager(undefined, { bus: new CallbackBus(), handlers: [handler], inheritableHandlers: [handler] });
  const chain = manager.handleChainStart(serialized("rag"), { question: "Capital?" }, undefined, undefined, ["prod"], { session_id: "s-1" }, "rag");
  const retriever = chain.getChild().handleRetrieverStart(serialized("docs"), "capital", undefined, undefined, undefined, undefined, "docs");
  retriever.handleRetrieverEnd([{ pageContent: "Paris is the capital.", metadata: { score: 0.8 }, id: "d1" }]);
  const [llm] = chain
    .getChild()
    .handleChatModelStart(serialized("ChatOpenAI"), [[{ type: "system", content: "Be brief." }, { type: "human", content: "Capital?" }]], undefined, undefined, { invocation_params: { model: "gpt-4o", temperature: 0 } }, undefined, { ls_provider: "openai", ls_model_name: "gpt-4o" });
  llm.handleLLMNewToken("Paris", { prompt: 0, completion: 0 });
  // An AI message with a tool call, as LangChain.js's AIMessage carries it.
  const message = { type: "ai", content: "Paris", tool_calls: [{ id: "c1", name: "lookup", args: { city: "Paris" } }], usage_metadata: { input_tokens: 9, output_tokens: 1, total_tokens: 10 }, response_metadata: { finish_reason: "stop" } };
  llm.handleLLMEnd({ generations: [[{ text: "Paris", message }]] });
  const tool = chain.getChild().handleToolStart(serialized("lookup"), { city: "Paris" }, undefined, undefined, undefined, undefined, "lookup", "c1");
  tool.handleToolEnd({ content: "France", tool_call_id: "c1" });
  chain.handleChainEnd({ answer: "Paris" });
  return tracing;
}

describe("OpenInference conventions", () => {
  test("span kinds, model, token counts, tool and documents; spans named after their runs and nested by parentRunId", () => {
    const { span } = run(false);
    const root = span("rag");
    expect(root.attributes).toEqual({ "openinference.span.kind": "CHAIN", "session.id": "s-1", "tag.tags": ["prod"], metadata: '{"session_id":"s-1"}' });
    for (const name of ["docs", "ChatOpenAI", "lookup"]) expect(parentIdOf(span(name))).toBe(idOf(root));

    const llm = span("ChatOpenAI");
    expect(llm.kind).toBe(SpanKind.CLIENT);
    expect(llm.attributes).toMatchObject({
      "openinference.span.kind": "LLM",
      "llm.model_name": "gpt-4o",
      "llm.provider": "openai",
      "llm.invocation_parameters": '{"model":"gpt-4o","temperature":0}',
      "llm.token_count.prompt": 9,
      "llm.token_count.completion": 1,
      "llm.token_count.total": 10,
      "llm.finish_reason": "stop",
    });
    expect(llm.events.map((e) => e.name)).toEqual(["First Token Stream Event"]);
    expect(span("lookup").attributes).toEqual({ "openinference.span.kind": "TOOL", "tool.name": "lookup", "tool.id": "c1" });
    expect(span("docs").attributes).toEqual({ "openinference.span.kind": "RETRIEVER", "retrieval.documents.0.document.id": "d1", "retrieval.documents.0.document.score": 0.8 });
    // Without captureContent, no input, output or message is recorded.
    const keys = [root, llm, span("lookup"), span("docs")].flatMap((s) => Object.keys(s.attributes));
    expect(keys.filter((k) => /^(input|output)\.|messages|\.content$|prompts/.test(k))).toEqual([]);
    expect(keys.some((k) => k.startsWith("gen_ai."))).toBe(false);
  });

  test("with captureContent: input.value / output.value with MIME types, flattened messages and documents", () => {
    const { span } = run(true);
    expect(span("rag").attributes).toMatchObject({ "input.value": '{"question":"Capital?"}', "input.mime_type": "application/json", "output.value": '{"answer":"Paris"}' });
    expect(span("ChatOpenAI").attributes).toMatchObject({
      "llm.input_messages.0.message.role": "system",
      "llm.input_messages.0.message.content": "Be brief.",
      "llm.input_messages.1.message.role": "user",
      "llm.input_messages.1.message.content": "Capital?",
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.content": "Paris",
      "llm.output_messages.0.message.tool_calls.0.tool_call.id": "c1",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "lookup",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"city":"Paris"}',
      "output.value": "Paris",
      "output.mime_type": "text/plain",
    });
    expect(span("lookup").attributes).toMatchObject({ "input.value": '{"city":"Paris"}', "output.value": "France", "output.mime_type": "text/plain" });
    expect(span("docs").attributes).toMatchObject({ "input.value": "capital", "retrieval.documents.0.document.content": "Paris is the capital.", "retrieval.documents.0.document.metadata": '{"score":0.8}' });
  });

  test("errors: status ERROR, error.type and an exception event, as in the GenAI conventions", () => {
    const tracing = memoryTracing();
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider, conventions: "openinference" });
    const manager = new CallbackManager(undefined, { bus: new CallbackBus(), handlers: [handler] });
    manager.handleRetrieverStart(serialized("docs"), "q").handleRetrieverError(new Error("index offline"));
    const failed = tracing.span("docs");
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: "index offline" });
    expect(failed.attributes["error.type"]).toBe("Error");
    expect(failed.events.map((e) => e.name)).toEqual(["exception"]);
  });
});
