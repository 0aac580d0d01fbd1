/**
 * `events({ maxBuffered })`: a consumer that does not keep up loses the oldest tokens first;
 * when only other events would have to go, the next read throws `EventStreamOverflowError` and
 * the iterator has already let go of its listener.
 */
import { CallbackBus, EventStreamOverflowError, type BusEventItem, type CallbackEvents } from "callbus";

const base = (runId: string) => ({ runId, tags: [] as string[], metadata: {} });
const token = (t: string): CallbackEvents["llmNewToken"] => ({ ...base("r"), token: t, idx: { prompt: 0, completion: 0 } });
const text = (t: string): CallbackEvents["text"] => ({ ...base("r"), text: t });

function label(item: BusEventItem): string {
  return item.event === "llmNewToken" ? `token ${item.payload.token}` : item.event === "text" ? `text ${item.payload.text}` : item.event;
}

async function readAll(stream: AsyncIterator<BusEventItem, unknown>, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const next = await stream.next();
    if (next.done === true) break;
    out.push(label(next.value));
  }
  return out;
}

describe("events({ maxBuffered })", () => {
  test("the oldest tokens go first, and other events are kept", async () => {
    const bus = new CallbackBus();
    const stream = bus.events({ maxBuffered: 4 });
    bus.emit("llmNewToken", token("a"));
    bus.emit("text", text("1"));
    bus.emit("llmNewToken", token("b"));
    bus.emit("llmNewToken", token("c"));
    bus.emit("text", text("2"));
    bus.emit("llmNewToken", token("d"));
    bus.emit("text", text("3"));
    expect(await readAll(stream, 4)).toEqual(["text 1", "text 2", "token d", "text 3"]);
    // Read to empty, it takes the next item as it comes.
    bus.emit("llmNewToken", token("e"));
    expect(await readAll(stream, 1)).toEqual(["token e"]);
    await stream.return();
  });

  test("a token that arrives when only other events are buffered is the one dropped", async () => {
    const bus = new CallbackBus();
    const stream = bus.events({ maxBuffered: 2 });
    bus.emit("text", text("1"));
    bus.emit("text", text("2"));
    bus.emit("llmNewToken", token("late"));
    expect(await readAll(stream, 2)).toEqual(["text 1", "text 2"]);
    await stream.return();
  });

  test("when only other events would go, the next read throws EventStreamOverflowError and the listener is already gone", async () => {
    const bus = new CallbackBus();
    const before = bus.listenerCount();
    const stream = bus.events({ maxBuffered: 3 });
    expect(bus.listenerCount()).toBe(before + 1);
    bus.emit("llmNewToken", token("a"));
    for (let i = 1; i <= 4; i++) bus.emit("text", text(String(i)));
    expect(bus.listenerCount()).toBe(before);
    const error = await stream.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventStreamOverflowError);
    expect(error).toMatchObject({ maxBuffered: 3, code: "CALLBUS_EVENT_STREAM_OVERFLOW" });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  test("a reader that stays a few items behind for a long time loses nothing and keeps the order", async () => {
    const bus = new CallbackBus();
    const stream = bus.events({ maxBuffered: 10 });
    for (let i = 0; i < 5; i++) bus.emit("text", text(String(i)));
    const read: string[] = [];
    for (let i = 5; i < 20_000; i++) {
      bus.emit("text", text(String(i)));
      read.push(...(await readAll(stream, 1)));
    }
    read.push(...(await readAll(stream, 5)));
    expect(read).toEqual(Array.from({ length: 20_000 }, (_, i) => `text ${i}`));
    await stream.return();
  });

  test("the default is 10,000 and a bad value is refused", async () => {
    const bus = new CallbackBus();
    const stream = bus.events();
    for (let i = 0; i < 10_001; i++) bus.emit("text", text(String(i)));
    await expect(stream.next()).rejects.toBeInstanceOf(EventStreamOverflowError);
    for (const bad of [0, -1, 2.5, Number.NaN]) expect(() => bus.events({ maxBuffered: bad })).toThrow(/maxBuffered/);
  });
});
