/**
 * The real OTLP/HTTP trace exporter sends a LangChain.js run's spans, JSON-encoded, to a small
 * `node:http` receiver on 127.0.0.1: they arrive with their parent ids and token counts.
 */
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

/** One span as OTLP/JSON carries it. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean } }[];
}
interface OtlpRequest {
  resourceSpans: { scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}

/** An OTLP/HTTP receiver: keeps each decoded JSON request and answers 200. */
async function startReceiver(): Promise<{ server: Server; url: string; requests: OtlpRequest[]; contentTypes: string[] }> {
  const requests: OtlpRequest[] = [];
  const contentTypes: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      contentTypes.push(String(req.headers["content-type"]));
      requests.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpRequest);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/v1/traces`, requests, contentTypes };
}

const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value;

test("spans reach an OTLP/HTTP receiver as JSON with their parent ids and token counts", async () => {
  const receiver = await startReceiver();
  try {
    // The exporter runs in a plain Node process: see the fixture for why not inside jest.
    const fixture = join(__dirname, "fixtures", "otlp-run.ts");
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", fixture, receiver.url], { cwd: join(__dirname, "..", "..") });
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({ answer: "Rome", liveSpans: 0 });

    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.contentTypes.every((type) => type.startsWith("application/json"))).toBe(true);
    const spans = receiver.requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.filter((ss) => ss.scope.name === "callbus").flatMap((ss) => ss.spans)));
    expect(spans.map((s) => s.name).sort()).toEqual(["chat gpt-4o-mini", "invoke_workflow ask"]);
    const root = spans.find((s) => s.name === "invoke_workflow ask")!;
    const chat = spans.find((s) => s.name === "chat gpt-4o-mini")!;
    expect(root.parentSpanId ?? "").toBe("");
    expect(chat.parentSpanId).toBe(root.spanId);
    expect(chat.traceId).toBe(root.traceId);
    expect(chat.kind).toBe(3); // SPAN_KIND_CLIENT in OTLP's numbering
    expect(Number(attribute(chat, "gen_ai.usage.input_tokens")?.intValue)).toBe(17);
    expect(Number(attribute(chat, "gen_ai.usage.output_tokens")?.intValue)).toBe(4);
    expect(attribute(chat, "gen_ai.provider.name")?.stringValue).toBe("openai");
  } finally {
    await new Promise((resolve) => receiver.server.close(resolve));
  }
});
