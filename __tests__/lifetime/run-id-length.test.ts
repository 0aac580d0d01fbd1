/** `maxRunIdLength` (default 256): a start with a longer run id is refused with a TypeError naming the length. */
import { CallbackBus, CallbackManager } from "callbus";

const base = (runId: string) => ({ runId, tags: [] as string[], metadata: {} });

describe("maxRunIdLength", () => {
  test("the default refuses a 257-character id at start, naming both lengths, and keeps nothing of it", () => {
    const bus = new CallbackBus();
    const heard: string[] = [];
    bus.onAny((event) => void heard.push(event));
    bus.emit("chainStart", { ...base("a".repeat(256)), serialized: { id: ["c"] }, inputs: {} });
    const long = "b".repeat(257);
    expect(() => bus.emit("chainStart", { ...base(long), serialized: { id: ["c"] }, inputs: {} })).toThrow(
      new TypeError("callbus: chainStart payload has a runId of 257 characters; this bus takes at most 256 (maxRunIdLength)"),
    );
    expect(() => new CallbackManager(undefined, { bus }).handleToolStart({}, "in", long)).toThrow(TypeError);
    expect(heard).toEqual(["chainStart"]);
    expect(bus.activeRuns).toBe(1);
    // An end for an id that never started is delivered, but an over-long one is not remembered as ended.
    bus.emit("chainEnd", { ...base(long), outputs: {} });
    expect(() => bus.emit("chainEnd", { ...base(long), outputs: {} })).not.toThrow();
  });

  test("the option sets the cap, and a bad value is refused", () => {
    const bus = new CallbackBus({ maxRunIdLength: 8 });
    expect(() => bus.emit("llmStart", { ...base("123456789"), serialized: { id: ["m"] }, prompts: [] })).toThrow(/9 characters; this bus takes at most 8/);
    expect(() => bus.emit("llmStart", { ...base("12345678"), serialized: { id: ["m"] }, prompts: [] })).not.toThrow();
    for (const bad of [0, -1, 1.5, Number.NaN, "8"]) {
      expect(() => new CallbackBus({ maxRunIdLength: bad as number })).toThrow(/maxRunIdLength/);
    }
  });
});
