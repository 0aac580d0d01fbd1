/**
 * OpenTelemetry: a small agent run (a retriever, a streaming chat model, a tool) inside an
 * "HTTP request" span, traced by `OpenTelemetryCallbackHandler`. Each span is printed by the
 * SDK's console exporter as it ends; the tree of the whole trace is printed at the end.
 * No network, no keys.
 *
 *   npm run example:otel
 */
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, ConsoleSpanExporter, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { Document } from "@langchain/core/documents";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel, FakeRetriever } from "@langchain/core/utils/testing";
import { OpenTelemetryCallbackHandler } from "callbus/otel";

// The application's OpenTelemetry setup: async context, and where spans go.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const kept = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter()), new SimpleSpanProcessor(kept)] });

// One handler for every run; content (messages, tool arguments) only because this is a demo.
const otel = new OpenTelemetryCallbackHandler({ tracerProvider: provider, captureContent: true });

const retriever = new FakeRetriever({ output: [new Document({ pageContent: "Oslo is the capital of Norway.", id: "atlas-17" })] });
const weather = tool(async (input) => `light rain in ${(input as { city: string }).city}`, {
  name: "weather",
  description: "Today's weather in a city",
  schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
});
const model = new FakeListChatModel({ responses: ["Take an umbrella: it rains in Oslo."], generationInfo: { finish_reason: "stop" } });

const agent = RunnableLambda.from(async (question: string, config) => {
  const docs = await retriever.invoke(question, config);
  const report = await weather.invoke({ city: "Oslo" }, config);
  let answer = "";
  for await (const chunk of await model.stream(`${docs[0].pageContent} Weather: ${report}. ${question}`, config)) answer += String(chunk.content);
  return answer;
}).withConfig({ runName: "travel_agent" });

// The run starts inside a server span: its root span nests under it.
const answer = await provider.getTracer("http-server").startActiveSpan("GET /ask", async (request) => {
  try {
    return await agent.invoke("Do I need an umbrella in Oslo?", { callbacks: [otel] });
  } finally {
    request.end();
  }
});
await provider.forceFlush();

console.log(`\nanswer: ${answer}\n\nspan tree:`);
printTree(kept.getFinishedSpans());
await provider.shutdown();

function printTree(spans: readonly ReadableSpan[], parentId?: string, depth = 0): void {
  const children = spans.filter((s) => s.parentSpanContext?.spanId === parentId).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  for (const span of children) {
    const ms = span.duration[0] * 1e3 + span.duration[1] / 1e6;
    const notable = Object.entries(span.attributes).filter(([key]) => /operation\.name|model|provider|tool\.name|stream|first_chunk|usage/.test(key));
    console.log(`${"  ".repeat(depth)}${span.name}  (${ms.toFixed(1)} ms)${notable.length > 0 ? "  " + notable.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ") : ""}`);
    printTree(spans, span.spanContext().spanId, depth + 1);
  }
}
