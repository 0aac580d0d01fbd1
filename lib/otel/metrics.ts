/**
 * The GenAI client metrics of model runs: `gen_ai.client.token.usage` ({token}),
 * `gen_ai.client.operation.duration` (s) and, for streamed runs,
 * `gen_ai.client.operation.time_to_first_chunk` (s), with the bucket boundaries the
 * conventions advise and their standard attributes.
 */
import type { Attributes, Histogram, MeterProvider } from "@opentelemetry/api";
import { defined } from "./convention.js";
import { genAiProvider, operationOf } from "./genai.js";
import type { ModelRequest, ModelResponse } from "./runs.js";

const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const SECOND_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/** One finished model run, as the metrics need it. */
export interface ModelRunOutcome {
  kind: "chat" | "llm";
  request: ModelRequest;
  /** Undefined when the run failed. */
  response?: ModelResponse;
  /** `error.type` of a failed run. */
  errorType?: string;
  durationSeconds: number;
  firstChunkSeconds?: number;
}

export class GenAiMetrics {
  private readonly tokenUsage: Histogram;
  private readonly duration: Histogram;
  private readonly firstChunk: Histogram;

  constructor(meterProvider: MeterProvider) {
    const meter = meterProvider.getMeter("callbus");
    this.tokenUsage = meter.createHistogram("gen_ai.client.token.usage", {
      unit: "{token}",
      description: "Number of input and output tokens used.",
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.duration = meter.createHistogram("gen_ai.client.operation.duration", {
      unit: "s",
      description: "GenAI operation duration.",
      advice: { explicitBucketBoundaries: SECOND_BUCKETS },
    });
    this.firstChunk = meter.createHistogram("gen_ai.client.operation.time_to_first_chunk", {
      unit: "s",
      description: "Time to receive the first chunk of a streaming response.",
      advice: { explicitBucketBoundaries: SECOND_BUCKETS },
    });
  }

  record(run: ModelRunOutcome): void {
    const attributes: Attributes = defined({
      "gen_ai.operation.name": operationOf(run.kind),
      "gen_ai.provider.name": genAiProvider(run.request.provider),
      "gen_ai.request.model": run.request.model,
      "gen_ai.response.model": run.response?.model,
      "error.type": run.errorType,
    });
    this.duration.record(run.durationSeconds, attributes);
    if (run.firstChunkSeconds !== undefined) this.firstChunk.record(run.firstChunkSeconds, attributes);
    const usage = run.response?.usage;
    if (usage !== undefined) {
      this.tokenUsage.record(usage.input, defined(attributes, { "gen_ai.token.type": "input" }));
      this.tokenUsage.record(usage.output, defined(attributes, { "gen_ai.token.type": "output" }));
    }
  }
}
