/**
 * Per-trace order of a handler's async calls (docs/behaviours.md 17), and that each bus owns
 * its queues: one handler on two buses with the same run ids never makes one bus wait for the other.
 */
import { CallbackBus, CallbackManager, handleEvent, type CallbackHandlerMethods } from "callbus";

/** A promise with its resolve function, settled by the test when it chooses. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets every promise callback queued so far run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A handler whose `handleText` calls each wait for the gate named by their text; records starts and ends. */
function gatedHandler(gates: Record<string, Promise<void>>, log: string[]): CallbackHandlerMethods {
  return {
    async handleText(text: string) {
      log.push(`start ${text}`);
      await gates[text];
      log.push(`end ${text}`);
    },
  };
}

const text = (runId: string, value: string) => ({ runId, tags: [], metadata: {}, text: value });

describe("per-trace order", () => {
  test("a third call made after the first settled, while the second still runs, waits for the second", async () => {
    const bus = new CallbackBus();
    const log: string[] = [];
    const first = deferred();
    const second = deferred();
    const handler = gatedHandler({ a: first.promise, b: second.promise, c: Promise.resolve() }, log);
    const run = new CallbackManager(undefined, { bus, handlers: [handler] }).handleChainStart({}, {}, "root");

    run.handleText("a");
    run.handleText("b");
    first.resolve();
    await settle();
    expect(log).toEqual(["start a", "end a", "start b"]);

    run.handleText("c");
    await settle();
    expect(log).toEqual(["start a", "end a", "start b"]);

    second.resolve();
    await bus.flush();
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });
});

describe("each bus owns its dispatch queues", () => {
  test("one handler on two buses, same run id: bus B's call does not wait for bus A's", async () => {
    const busA = new CallbackBus();
    const busB = new CallbackBus();
    const log: string[] = [];
    const gateA = deferred();
    const handler = gatedHandler({ "on A": gateA.promise, "on B": Promise.resolve() }, log);

    handleEvent([handler], "text", text("shared-run", "on A"), { bus: busA });
    handleEvent([handler], "text", text("shared-run", "on B"), { bus: busB });
    await busB.flush();
    expect(log).toEqual(["start on A", "start on B", "end on B"]);

    gateA.resolve();
    await busA.flush();
    expect(log).toEqual(["start on A", "start on B", "end on B", "end on A"]);
  });

  test("within one bus the same calls do wait, so the queue is per bus and not gone", async () => {
    const bus = new CallbackBus();
    const log: string[] = [];
    const gate = deferred();
    const handler = gatedHandler({ first: gate.promise, second: Promise.resolve() }, log);

    handleEvent([handler], "text", text("shared-run", "first"), { bus });
    handleEvent([handler], "text", text("shared-run", "second"), { bus });
    await settle();
    expect(log).toEqual(["start first"]);

    gate.resolve();
    await bus.flush();
    expect(log).toEqual(["start first", "end first", "start second", "end second"]);
  });
});
