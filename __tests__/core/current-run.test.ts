/**
 * Which callbacks are current while handlers run (lib/async-context.ts): the run being
 * dispatched, in a handler's own code and across the awaits of an async handler method,
 * and never after the dispatch returned.
 */
import { AsyncCallbackManager, CallbackBus, CallbackManager, currentCallbacks, runWithCallbacks, type CallbackHandlerLike, type ContextCallbacks } from "callbus";

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The same objects in the same order (identity, not deep equality: managers hold their bus). */
function expectSame(got: readonly unknown[], want: readonly unknown[]): void {
  expect(got.length).toBe(want.length);
  want.forEach((item, i) => expect(got[i]).toBe(item));
}

describe("the current run while handlers run", () => {
  it("is the event's run in a plain method, in a listener, and nothing once the call returned", () => {
    const bus = new CallbackBus();
    const inHandler: (ContextCallbacks | undefined)[] = [];
    const inListener: (ContextCallbacks | undefined)[] = [];
    bus.on("chainStart", () => void inListener.push(currentCallbacks()));
    const handlers = [{ handleChainStart: () => void inHandler.push(currentCallbacks()) }];
    const manager = new CallbackManager(undefined, { bus, handlers, inheritableHandlers: handlers });
    const outer = manager.handleChainStart({ name: "outer" }, {});
    const inner = outer.getChild().handleChainStart({ name: "inner" }, {});
    // A run without handlers is current for the bus's listeners all the same.
    const bare = new CallbackManager(undefined, { bus }).handleChainStart({ name: "bare" }, {});
    expectSame(inHandler, [outer, inner]);
    expectSame(inListener, [outer, inner, bare]);
    expect(currentCallbacks()).toBeUndefined();
  });

  it("is the run of runWithCallbacks inside it, and the event's run again after", () => {
    const bus = new CallbackBus();
    const other = new CallbackManager(undefined, { bus }).handleChainStart({ name: "other" }, {});
    const seen: (ContextCallbacks | undefined)[] = [];
    const handler: CallbackHandlerLike = {
      handleChainStart() {
        runWithCallbacks(other, () => seen.push(currentCallbacks()));
        seen.push(currentCallbacks());
      },
    };
    const run = new CallbackManager(undefined, { bus, handlers: [handler] }).handleChainStart({ name: "c" }, {});
    expectSame(seen, [other, run]);
  });

  it("stays the event's run across the awaits of an async method, and of runWithCallbacks' body", async () => {
    const bus = new CallbackBus();
    const afterAwait: (ContextCallbacks | undefined)[] = [];
    const other = new CallbackManager(undefined, { bus }).handleChainStart({ name: "other" }, {});
    const manager = new AsyncCallbackManager(undefined, {
      bus,
      handlers: [
        {
          async handleChainStart() {
            await tick();
            afterAwait.push(currentCallbacks());
            await runWithCallbacks(other, async () => {
              await tick();
              afterAwait.push(currentCallbacks());
            });
            afterAwait.push(currentCallbacks());
          },
        },
      ],
    });
    const run = await manager.handleChainStart({ name: "c" }, {});
    expectSame(afterAwait, [run, other, run]);
    expect(currentCallbacks()).toBeUndefined();
  });

  it("is each call's own run for an async handler's calls that wait their turn", async () => {
    const bus = new CallbackBus();
    const seen: [string, ContextCallbacks | undefined][] = [];
    const handlers: CallbackHandlerLike[] = [
      {
        // Calls of one trace run one after another: the tool's start waits for the chain's.
        async handleChainStart() {
          await tick();
          seen.push(["chain", currentCallbacks()]);
        },
        async handleToolStart() {
          await tick();
          seen.push(["tool", currentCallbacks()]);
        },
      },
    ];
    const manager = new CallbackManager(undefined, { bus, handlers, inheritableHandlers: handlers });
    const chain = manager.handleChainStart({ name: "c" }, {});
    const tool = chain.getChild().handleToolStart({ name: "t" }, "in");
    await bus.flush();
    expect(seen.map(([name]) => name)).toEqual(["chain", "tool"]);
    expectSame(seen.map(([, callbacks]) => callbacks), [chain, tool]);
  });
});

describe("what a sync run manager's call returns", () => {
  it("is a settled promise of undefined that does not wait for the handlers", async () => {
    const bus = new CallbackBus();
    let finished = false;
    const manager = new CallbackManager(undefined, {
      bus,
      handlers: [
        {
          async handleText() {
            await tick();
            finished = true;
          },
        },
      ],
    });
    const run = manager.handleChainStart({ name: "c" }, {});
    const returned: unknown = run.handleText("hello");
    expect(returned).toBeInstanceOf(Promise);
    await expect(returned).resolves.toBeUndefined();
    // Chained the way LangChain.js code chains its manager's promises.
    await (returned as Promise<void>).then(() => expect(finished).toBe(false));
    await bus.flush();
    expect(finished).toBe(true);
  });
});
