import { CallbackBus, CallbackManager, type CallbackEventName, type ListenerErrorEvent, type RunEvent, type RunLog, type RunLogEntry } from "callbus";

/** A run log that keeps appends in an array (reading is another module's concern). */
class ArrayLog implements RunLog {
  readonly appended: { event: CallbackEventName; runId: string }[] = [];
  failOn: CallbackEventName | undefined;
  append(event: CallbackEventName, payload: RunEvent): void {
    if (event === this.failOn) throw new Error(`log refused ${event}`);
    this.appended.push({ event, runId: payload.runId });
  }
   
  async *read(): AsyncIterable<RunLogEntry> {
    return;
  }
  async close(): Promise<void> {}
}

describe("bus run log", () => {
  test("every event of every run is appended once, before handlers and listeners hear it", async () => {
    const log = new ArrayLog();
    const bus = new CallbackBus({ log });
    expect(bus.log).toBe(log);
    const seenByListener: number[] = [];
    const seenByHandler: number[] = [];
    bus.onAny(() => void seenByListener.push(log.appended.length));
    const manager = new CallbackManager(undefined, { bus, handlers: [{ handleChainStart: () => void seenByHandler.push(log.appended.length) }] });
    const chain = manager.handleChainStart({ lc: 1, type: "not_implemented", id: ["c"] }, { q: 1 });
    const [llm] = chain.getChild().handleLLMStart({ lc: 1, type: "not_implemented", id: ["m"] }, ["hi"]);
    llm.handleLLMNewToken("a");
    llm.handleLLMEnd({ generations: [] });
    chain.handleChainEnd({ a: 1 });
    bus.emit("text", { runId: "loose", tags: [], metadata: {}, text: "t" });
    await bus.flush();
    expect(log.appended.map((e) => e.event)).toEqual(["chainStart", "llmStart", "llmNewToken", "llmEnd", "chainEnd", "text"]);
    expect(log.appended[0].runId).toBe(chain.runId);
    expect(log.appended[1].runId).toBe(llm.runId);
    expect(seenByHandler).toEqual([1]);
    expect(seenByListener).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test("a log that throws is reported on listenerError and the run goes on", () => {
    const log = new ArrayLog();
    log.failOn = "chainStart";
    const bus = new CallbackBus({ log });
    const failures: ListenerErrorEvent[] = [];
    bus.on("listenerError", (report) => void failures.push(report));
    const heard: string[] = [];
    bus.onAny((event) => void heard.push(event));
    const chain = new CallbackManager(undefined, { bus }).handleChainStart({ lc: 1, type: "not_implemented", id: ["c"] }, {});
    chain.handleChainEnd({});
    expect(heard).toEqual(["chainStart", "chainEnd"]);
    expect(failures).toHaveLength(1);
    expect(failures[0].event).toBe("chainStart");
    expect(failures[0].runId).toBe(chain.runId);
    expect((failures[0].error as Error).message).toBe("log refused chainStart");
    expect(bus.activeRuns).toBe(0);
    expect(log.appended.map((e) => e.event)).toEqual(["chainEnd"]);
  });

  test("a bus without a log has none, and a bad log is refused by name", () => {
    expect(new CallbackBus().log).toBeUndefined();
    expect(() => new CallbackBus({ log: {} as RunLog })).toThrow(/needs a RunLog/);
    expect(() => new CallbackBus(null as never)).toThrow(/options object, got null/);
  });
});
