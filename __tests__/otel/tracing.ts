/** Test tracing: a real SDK tracer provider that keeps finished spans in memory, and span-tree helpers. */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";

export interface MemoryTracing {
  provider: BasicTracerProvider;
  exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
  /** The one finished span with this name (fails the test when there are none or several). */
  span(name: string): ReadableSpan;
}

export function memoryTracing(): MemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const spans = () => exporter.getFinishedSpans();
  return {
    provider,
    exporter,
    spans,
    span(name) {
      const found = spans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span named ${JSON.stringify(name)}, found ${found.length} among ${JSON.stringify(spans().map((s) => s.name))}`);
      return found[0];
    },
  };
}

export const idOf = (span: ReadableSpan): string => span.spanContext().spanId;
export const parentIdOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** A span and the spans below it, by name, children in start order. */
export interface NameTree {
  name: string;
  children: NameTree[];
}

const startNs = (span: ReadableSpan): number => span.startTime[0] * 1e9 + span.startTime[1];

/** The trees of `spans`: roots are spans whose parent is not among them. */
export function spanTrees(spans: readonly ReadableSpan[]): NameTree[] {
  const ids = new Set(spans.map(idOf));
  const build = (span: ReadableSpan): NameTree => ({
    name: span.name,
    children: spans
      .filter((s) => parentIdOf(s) === idOf(span))
      .sort((a, b) => startNs(a) - startNs(b))
      .map(build),
  });
  return spans
    .filter((s) => parentIdOf(s) === undefined || !ids.has(parentIdOf(s)!))
    .sort((a, b) => startNs(a) - startNs(b))
    .map(build);
}
