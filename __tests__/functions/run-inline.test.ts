import { AsyncCallbackManager, CallbackBus, CallbackManager, type CallbackHandlerLike } from "callbus";

/** A promise resolved by hand, so a test decides when a handler's work finishes. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Three runInline handlers held open by gates, and one ordinary handler. */
function handlers(log: string[]) {
  const gates = [gate(), gate(), gate()];
  const inline = gates.map(
    (g, i): CallbackHandlerLike => ({
      name: `inline-${i}`,
      runInline: true,
      async handleText(text) {
        log.push(`inline-${i} start ${text}`);
        await g.promise;
        log.push(`inline-${i} end ${text}`);
      },
    }),
  );
  const other: CallbackHandlerLike = {
    name: "other",
    async handleText(text) {
      log.push(`other ${text}`);
    },
  };
  // The ordinary handler comes first in the list: runInline still goes before it.
  return { gates, list: [other, ...inline] };
}

describe("runInline handlers run one after another, in order, before the others", () => {
  it("in the sync manager", async () => {
    const bus = new CallbackBus();
    const log: string[] = [];
    const { gates, list } = handlers(log);
    const run = new CallbackManager(undefined, { bus, handlers: list }).handleChainStart({ name: "c" }, {});
    run.handleText("a");
    await tick();
    expect(log).toEqual(["inline-0 start a"]);
    gates[0].open();
    await tick();
    expect(log).toEqual(["inline-0 start a", "inline-0 end a", "inline-1 start a"]);
    gates[1].open();
    gates[2].open();
    await bus.flush();
    expect(log).toEqual(["inline-0 start a", "inline-0 end a", "inline-1 start a", "inline-1 end a", "inline-2 start a", "inline-2 end a", "other a"]);
  });

  it("in the async manager, whose call settles after all of them", async () => {
    const bus = new CallbackBus();
    const log: string[] = [];
    const { gates, list } = handlers(log);
    const run = await new AsyncCallbackManager(undefined, { bus, handlers: list }).handleChainStart({ name: "c" }, {});
    let settled = false;
    const done = run.handleText("b").then(() => void (settled = true));
    await tick();
    expect(log).toEqual(["inline-0 start b"]);
    gates[0].open();
    gates[1].open();
    await tick();
    expect(settled).toBe(false);
    gates[2].open();
    await done;
    expect(log).toEqual(["inline-0 start b", "inline-0 end b", "inline-1 start b", "inline-1 end b", "inline-2 start b", "inline-2 end b", "other b"]);
  });

  it("lets sync runInline handlers run in list order before the others", () => {
    const bus = new CallbackBus();
    const log: string[] = [];
    const h = (name: string, runInline: boolean): CallbackHandlerLike => ({ name, runInline, handleText: () => void log.push(name) });
    const run = new CallbackManager(undefined, { bus, handlers: [h("x", false), h("i1", true), h("y", false), h("i2", true)] }).handleChainStart({}, {});
    run.handleText("t");
    expect(log).toEqual(["i1", "i2", "x", "y"]);
  });
});
