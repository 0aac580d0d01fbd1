/**
 * LangChain.js -> callbus: real `@langchain/core` runnables run with `bus.asLangChainHandler()`
 * and a recording LangChain.js handler side by side; the bus sees what LangChain's handlers see.
 */
import type { Callbacks } from "@langchain/core/callbacks/manager";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda, RunnableSequence } from "@langchain/core/runnables";
import { Document } from "@langchain/core/documents";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel, FakeRetriever } from "@langchain/core/utils/testing";
import { CallbackBus } from "callbus";
import { EVENT_INFO } from "../../lib/events";
import { Recorder, recordBus } from "./recorder";
import { isOldestLangChain } from "./langchain-version";

// Proof, checked by `tsc`, that the handler fits LangChain.js's `Callbacks` type without a cast.
const typeProof: Callbacks = [new CallbackBus().asLangChainHandler()];
void typeProof;

function chain() {
  const prompt = ChatPromptTemplate.fromMessages([
    ["system", "You answer in one word."],
    ["human", "{question}"],
  ]);
  const model = new FakeListChatModel({ responses: ["Paris", "Rome", "Oslo"] });
  return RunnableSequence.from([prompt, model, new StringOutputParser()]).withConfig({ runName: "qa" });
}

async function settle(bus: CallbackBus): Promise<void> {
  await awaitAllCallbacks();
  await bus.flush();
}

describe("bus.asLangChainHandler()", () => {
  test("invoke: the bus sees the events, run ids and parent ids LangChain's own handler sees, in its order", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const reference = new Recorder();
    const answer = await chain().invoke({ question: "Capital of France?" }, { callbacks: [bus.asLangChainHandler(), reference] });
    await settle(bus);

    expect(answer).toBe("Paris");
    expect(reference.steps().length).toBeGreaterThan(4);
    expect(seen.steps()).toEqual(reference.steps());
    const events = seen.steps().map((s) => s.event);
    expect(events[0]).toBe("chainStart");
    expect(events).toContain("chatModelStart");
    expect(events).toContain("llmEnd");
    expect(events.at(-1)).toBe("chainEnd");
    // The root has no parent; every other run's parent is a run that started before it.
    const started = new Set<unknown>();
    for (const { event, runId, parentRunId } of seen.steps()) {
      if (EVENT_INFO[event]!.phase === "start") {
        if (started.size > 0) expect(started.has(parentRunId)).toBe(true);
        started.add(runId);
      }
    }
    expect(bus.activeRuns).toBe(0);
  });

  test("the handler's metadata keys win over the run's own on a key both have", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    await chain().invoke(
      { question: "Capital of Italy?" },
      { callbacks: [bus.asLangChainHandler({ metadata: { source: "handler", requestId: "r-1" } })], metadata: { source: "run", user: "ada" } },
    );
    await settle(bus);

    const starts = seen.payloads.filter((p) => p.event === "chainStart" || p.event === "chatModelStart");
    expect(starts.length).toBeGreaterThan(1);
    for (const start of starts) expect(start.payload.metadata).toMatchObject({ source: "handler", requestId: "r-1", user: "ada" });
  });

  test("start payloads carry LangChain's names, tags and metadata, and the handler's metadata", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    await chain().invoke(
      { question: "Capital of Italy?" },
      { callbacks: [bus.asLangChainHandler({ metadata: { requestId: "r-1" } })], tags: ["api"], metadata: { user: "ada" } },
    );
    await settle(bus);

    const root = seen.payloads[0];
    expect(root.event).toBe("chainStart");
    expect(root.payload).toMatchObject({ name: "qa", tags: ["api"], metadata: { user: "ada", requestId: "r-1" } });
    const model = seen.payloads.find((p) => p.event === "chatModelStart")!;
    expect(model.payload.name).toBe("FakeListChatModel");
    expect(model.payload.metadata).toMatchObject({ user: "ada", requestId: "r-1", ls_model_type: "chat" });
    const messages = (model.payload.messages as { content: unknown }[][])[0].map((m) => m.content);
    expect(messages).toEqual(["You answer in one word.", "Capital of Italy?"]);
    const llmEnd = seen.payloads.find((p) => p.event === "llmEnd")!;
    // Later events of a run carry its start's metadata (LangChain.js passes it only at start).
    expect(llmEnd.payload.metadata).toBe(model.payload.metadata);
    expect((llmEnd.payload.output as { generations: { text: string }[][] }).generations[0][0].text).toBe("Paris");
  });

  test("stream(): tokens reach the bus while the model run is still going", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const reference = new Recorder();
    const chunks: string[] = [];
    let eventsAtFirstChunk: string[] | undefined;
    const stream = await chain().stream({ question: "Capital of Norway?" }, { callbacks: [bus.asLangChainHandler(), reference] });
    for await (const chunk of stream) {
      eventsAtFirstChunk ??= seen.steps().map((s) => s.event);
      chunks.push(chunk);
    }
    await settle(bus);

    expect(chunks.join("")).toBe("Paris");
    expect(eventsAtFirstChunk).toContain("llmNewToken");
    expect(eventsAtFirstChunk).not.toContain("llmEnd");
    const events = seen.steps().map((s) => s.event);
    const tokens = seen.payloads.filter((p) => p.event === "llmNewToken").map((p) => p.payload.token);
    expect(tokens.join("")).toBe("Paris");
    expect(events.lastIndexOf("llmNewToken")).toBeLessThan(events.indexOf("llmEnd"));
    expect(seen.steps()).toEqual(reference.steps());
  });

  test("a tool, a retriever and a custom event: same events as LangChain's handler, tool input as text", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const reference = new Recorder();
    // A JSON-schema tool gets its input as `unknown`.
    const weather = tool(async (input) => `sunny in ${(input as { city: string }).city}`, {
      name: "weather",
      description: "Weather of a city",
      schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    });
    const retriever = new FakeRetriever({ output: [new Document({ pageContent: "Oslo is in Norway", metadata: { source: "atlas" } })] });
    const pipeline = RunnableLambda.from(async (city: string, config) => {
      await dispatchCustomEvent("progress", { step: "lookup", city }, config);
      const docs = await retriever.invoke(city, config);
      const report = await weather.invoke({ city }, config);
      return `${docs[0].pageContent}; ${report}`;
    }).withConfig({ runName: "trip" });

    const result = await pipeline.invoke("Oslo", { callbacks: [bus.asLangChainHandler(), reference] });
    await settle(bus);

    expect(result).toBe("Oslo is in Norway; sunny in Oslo");
    expect(seen.steps()).toEqual(reference.steps());
    expect(seen.steps().map((s) => s.event)).toEqual([
      "chainStart",
      "customEvent",
      "retrieverStart",
      "retrieverEnd",
      "toolStart",
      "toolEnd",
      "chainEnd",
    ]);
    const byEvent = (event: string) => seen.payloads.find((p) => p.event === event)!.payload;
    const root = byEvent("chainStart");
    expect(byEvent("customEvent")).toMatchObject({ eventName: "progress", data: { step: "lookup", city: "Oslo" }, runId: root.runId });
    expect(byEvent("retrieverStart")).toMatchObject({ query: "Oslo", parentRunId: root.runId, name: "FakeRetriever" });
    expect((byEvent("retrieverEnd").documents as { pageContent: string }[])[0].pageContent).toBe("Oslo is in Norway");
    expect(byEvent("toolStart")).toMatchObject({ name: "weather", input: JSON.stringify({ city: "Oslo" }), parentRunId: root.runId });
    expect(byEvent("toolEnd").output).toBe("sunny in Oslo");
  });

  test("an error inside a run arrives as the error events of that run and its parents", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const reference = new Recorder();
    const failing = RunnableSequence.from([
      RunnableLambda.from((x: string) => x.toUpperCase()),
      RunnableLambda.from((_: string): string => {
        throw new Error("no route to Atlantis");
      }),
    ]);
    await expect(failing.invoke("atlantis", { callbacks: [bus.asLangChainHandler(), reference] })).rejects.toThrow("no route to Atlantis");
    await settle(bus);

    expect(seen.steps()).toEqual(reference.steps());
    const errors = seen.payloads.filter((p) => p.event === "chainError");
    expect(errors).toHaveLength(2);
    for (const { payload } of errors) expect((payload.error as Error).message).toBe("no route to Atlantis");
    expect(errors[1].payload.runId).toBe(seen.payloads[0].payload.runId);
    expect(bus.activeRuns).toBe(0);
  });

  test("batch(): one run tree per input, the same as LangChain's handler sees", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const reference = new Recorder();
    const upper = RunnableLambda.from((x: string) => x.toUpperCase());
    const out = await upper.batch(["a", "b", "c"], { callbacks: [bus.asLangChainHandler(), reference] });
    await settle(bus);

    expect(out).toEqual(["A", "B", "C"]);
    expect(seen.steps()).toEqual(reference.steps());
    const starts = seen.payloads.filter((p) => p.event === "chainStart");
    expect(starts.map((p) => p.payload.inputs)).toEqual(expect.arrayContaining([{ input: "a" }, { input: "b" }, { input: "c" }]));
    expect(new Set(starts.map((p) => p.payload.runId)).size).toBe(3);
  });

  test("streamEvents(): the bus sees the run while LangChain's event stream reports it", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const reference = new Recorder();
    const lcEvents: string[] = [];
    for await (const e of chain().streamEvents({ question: "Capital of France?" }, { version: "v2", callbacks: [bus.asLangChainHandler(), reference] })) {
      lcEvents.push(e.event);
    }
    await settle(bus);

    expect(lcEvents).toContain("on_chat_model_stream");
    expect(seen.steps()).toEqual(reference.steps());
    // streamEvents makes the model stream, so the bus gets its tokens too.
    const tokens = seen.payloads.filter((p) => p.event === "llmNewToken").map((p) => p.payload.token);
    expect(tokens.join("")).toBe("Paris");
    expect(lcEvents.filter((e) => e === "on_chat_model_stream").length).toBe(tokens.length);
  });

  test("events: only the chosen events reach the bus, and the ends of forwarded runs still free them", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const handler = bus.asLangChainHandler({ events: ["chatModelStart", "llmNewToken"] });
    const stream = await chain().stream({ question: "Capital of Italy?" }, { callbacks: [handler] });
    for await (const _ of stream) void _;
    await settle(bus);

    // llmEnd is not asked for but ends a forwarded run; chain runs never reach the bus.
    expect([...new Set(seen.steps().map((s) => s.event))]).toEqual(["chatModelStart", "llmNewToken", "llmEnd"]);
    expect(bus.activeRuns).toBe(0);
  });

  test("events: the end of a run whose start was filtered out does not break the bus", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    await chain().invoke({ question: "Capital of France?" }, { callbacks: [bus.asLangChainHandler({ events: ["chainEnd"] })] });
    await settle(bus);

    const events = seen.steps().map((s) => s.event);
    expect(events.length).toBeGreaterThan(1);
    expect(new Set(events)).toEqual(new Set(["chainEnd"]));
    expect(bus.activeRuns).toBe(0);
  });

  test("the handler has LangChain.js's flags, every handleX method, and checks its options", () => {
    const handler = new CallbackBus().asLangChainHandler();
    expect(handler).toMatchObject({ name: "callbus", awaitHandlers: true, raiseError: false, lc_prefer_streaming: false, lc_prefer_chat_model_stream_events: false });
    for (const info of Object.values(EVENT_INFO)) expect(typeof (handler as unknown as Record<string, unknown>)[info!.method]).toBe("function");
    expect(handler.copy()).toBe(handler);
    expect(new CallbackBus().asLangChainHandler({ preferStreaming: true }).lc_prefer_streaming).toBe(true);
    expect(() => new CallbackBus().asLangChainHandler({ events: ["chainStrat" as "chainStart"] })).toThrow(/unknown event "chainStrat"/);
    expect(() => new CallbackBus().asLangChainHandler({ metadata: [] as unknown as Record<string, unknown> })).toThrow(/"metadata" must be an object/);
  });

  test("preferStreaming: invoke() on a chat model streams, so its tokens reach the bus", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const model = new FakeListChatModel({ responses: ["Lima"] });
    await model.invoke("Capital of Peru?", { callbacks: [bus.asLangChainHandler({ preferStreaming: true })] });
    const plain = new CallbackBus();
    const plainSeen = recordBus(plain);
    await model.invoke("Capital of Peru?", { callbacks: [plain.asLangChainHandler()] });
    await settle(bus);

    expect(seen.payloads.filter((p) => p.event === "llmNewToken").map((p) => p.payload.token).join("")).toBe("Lima");
    expect(plainSeen.steps().map((s) => s.event)).toEqual(["chatModelStart", "llmEnd"]);
  });

  test("preferChatModelStreamEvents: content-block stream events of LangChain.js reach the bus (none on 1.0.2, which has none)", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const reference = new Recorder();
    const model = new FakeListChatModel({ responses: ["Bern"] });
    const message = await model.invoke("Capital of Switzerland?", { callbacks: [bus.asLangChainHandler({ preferChatModelStreamEvents: true }), reference] });
    await settle(bus);

    expect(message.text).toBe("Bern");
    expect(seen.steps()).toEqual(reference.steps());
    const streamEvents = seen.payloads.filter((p) => p.event === "chatModelStreamEvent");
    if (isOldestLangChain) {
      expect(streamEvents).toEqual([]);
      expect(seen.steps().map((s) => s.event)).toEqual(["chatModelStart", "llmEnd"]);
      return;
    }
    expect(streamEvents.length).toBeGreaterThan(1);
    const kinds = streamEvents.map((p) => (p.payload.event as { event: string }).event);
    expect(kinds[0]).toBe("message-start");
    expect(kinds.at(-1)).toBe("message-finish");
    const events = seen.steps().map((s) => s.event);
    expect(events.lastIndexOf("chatModelStreamEvent")).toBeLessThan(events.indexOf("llmEnd"));
  });

  test("a streaming tool's chunks arrive as toolEvent events before its end (1.0.2 sends none)", async () => {
    const bus = new CallbackBus();
    const seen = recordBus(bus);
    const reference = new Recorder();
    const countdown = tool(
      async function* (input) {
        for (let i = (input as { from: number }).from; i > 0; i--) yield i;
        return "liftoff";
      },
      { name: "countdown", description: "Counts down", schema: { type: "object", properties: { from: { type: "number" } }, required: ["from"] } },
    );
    await countdown.invoke({ from: 3 }, { callbacks: [bus.asLangChainHandler(), reference] });
    await settle(bus);

    expect(seen.steps()).toEqual(reference.steps());
    if (isOldestLangChain) {
      expect(seen.steps().map((s) => s.event)).toEqual(["toolStart", "toolEnd"]);
      return;
    }
    expect(seen.steps().map((s) => s.event)).toEqual(["toolStart", "toolEvent", "toolEvent", "toolEvent", "toolEnd"]);
    expect(seen.payloads.filter((p) => p.event === "toolEvent").map((p) => p.payload.chunk)).toEqual([3, 2, 1]);
  });
});
