/** GenAI client metrics with the real metrics SDK and an in-memory exporter. */
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type HistogramMetricData } from "@opentelemetry/sdk-metrics";
import { CallbackBus, CallbackManager } from "callbus";
import { OpenTelemetryCallbackHandler } from "callbus/otel";
import { memoryTracing } from "./tracing";

const serialized = (name: string) => ({ lc: 1, type: "not_implemented", id: ["test", name] });
const metadata = { ls_provider: "anthropic", ls_model_name: "claude-sonnet-4" };
const messages = [[{ type: "human", content: "hi" }]];
const answer = (input: number, output: number) => ({
  generations: [[{ text: "hello", message: { type: "ai", content: "hello", usage_metadata: { input_tokens: input, output_tokens: output, total_tokens: input + output }, response_metadata: { model: "claude-sonnet-4-20250514", stop_reason: "end_turn" } } }]],
});

async function setup() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: memoryTracing().provider, meterProvider });
  const manager = new CallbackManager(undefined, { bus: new CallbackBus(), handlers: [handler], inheritableHandlers: [handler] });
  const collect = async (): Promise<Map<string, HistogramMetricData>> => {
    await reader.forceFlush();
    const byName = new Map<string, HistogramMetricData>();
    for (const resource of exporter.getMetrics()) for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric as HistogramMetricData);
    return byName;
  };
  return { manager, collect, shutdown: () => meterProvider.shutdown() };
}

describe("metrics", () => {
  test("token usage per token type and operation duration, with the standard attributes and buckets", async () => {
    const { manager, collect, shutdown } = await setup();
    const [first] = manager.handleChatModelStart(serialized("ChatAnthropic"), messages, undefined, undefined, undefined, undefined, metadata);
    first.handleLLMEnd(answer(10, 5));
    const [second] = manager.handleChatModelStart(serialized("ChatAnthropic"), messages, undefined, undefined, undefined, undefined, metadata);
    second.handleLLMEnd(answer(30, 7));
    // Runs that are not model calls record nothing.
    manager.handleToolStart(serialized("t"), "x").handleToolEnd("y");

    const metrics = await collect();
    expect([...metrics.keys()].sort()).toEqual(["gen_ai.client.operation.duration", "gen_ai.client.token.usage"]);
    const base = { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude-sonnet-4", "gen_ai.response.model": "claude-sonnet-4-20250514" };

    const usage = metrics.get("gen_ai.client.token.usage")!;
    expect(usage.descriptor.unit).toBe("{token}");
    const byType: Record<string, (typeof usage.dataPoints)[number]> = Object.fromEntries(usage.dataPoints.map((p) => [String(p.attributes["gen_ai.token.type"]), p]));
    expect(byType.input.attributes).toEqual({ ...base, "gen_ai.token.type": "input" });
    expect(byType.input.value).toMatchObject({ count: 2, sum: 40 });
    expect(byType.output.value).toMatchObject({ count: 2, sum: 12 });
    expect(byType.input.value.buckets.boundaries).toEqual([1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]);

    const duration = metrics.get("gen_ai.client.operation.duration")!;
    expect(duration.descriptor.unit).toBe("s");
    expect(duration.dataPoints).toHaveLength(1);
    expect(duration.dataPoints[0].attributes).toEqual(base);
    expect(duration.dataPoints[0].value.count).toBe(2);
    expect(duration.dataPoints[0].value.buckets.boundaries[0]).toBe(0.01);
    await shutdown();
  });

  test("a failed call counts its duration with error.type; a streamed call records its time to first chunk", async () => {
    const { manager, collect, shutdown } = await setup();
    const [failed] = manager.handleChatModelStart(serialized("ChatAnthropic"), messages, undefined, undefined, undefined, undefined, metadata);
    failed.handleLLMError(new TypeError("overloaded"));
    const [streamed] = manager.handleChatModelStart(serialized("ChatAnthropic"), messages, undefined, undefined, undefined, undefined, metadata);
    streamed.handleLLMNewToken("hel", { prompt: 0, completion: 0 });
    streamed.handleLLMNewToken("lo", { prompt: 0, completion: 0 });
    streamed.handleLLMEnd(answer(3, 2));

    const metrics = await collect();
    const duration = metrics.get("gen_ai.client.operation.duration")!;
    const failedPoint = duration.dataPoints.find((p) => p.attributes["error.type"] !== undefined);
    expect(failedPoint?.attributes).toEqual({ "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude-sonnet-4", "error.type": "TypeError" });
    expect(failedPoint?.value.count).toBe(1);
    const firstChunk = metrics.get("gen_ai.client.operation.time_to_first_chunk")!;
    expect(firstChunk.dataPoints).toHaveLength(1);
    expect(firstChunk.dataPoints[0].value.count).toBe(1);
    // The failed call has no usage: only the streamed call's tokens are counted.
    const usage = metrics.get("gen_ai.client.token.usage")!;
    expect(usage.dataPoints.map((p) => p.value.sum).sort()).toEqual([2, 3]);
    await shutdown();
  });
});
