/** `verbose` and `debug` add the built-in printing handlers (conformance 2). */
import { CallbackBus, CallbackManager } from "callbus";
import { ConsoleCallbackHandler, StdOutCallbackHandler } from "callbus/handlers";
import { captureStdout } from "./capture";

const bus = () => new CallbackBus();

describe("configure verbose / debug", () => {
  test("verbose adds one local StdOutCallbackHandler, and its run prints", async () => {
    const cm = CallbackManager.configure([], [], { verbose: true, bus: bus() });
    const stdout = cm.handlers.filter((h) => h instanceof StdOutCallbackHandler);
    expect(stdout).toHaveLength(1);
    expect(cm.inheritableHandlers.some((h) => h instanceof StdOutCallbackHandler)).toBe(false);
    const out = await captureStdout(() => {
      const chain = cm.handleChainStart({ name: "Verbose" }, {});
      // Local: a child run does not print.
      chain.getChild().handleChainStart({ name: "Child" }, {}).handleChainEnd({});
      chain.handleChainEnd({});
    });
    expect(out).toBe("\n\n\x1b[1m> Entering new Verbose chain...\x1b[0m\n\n\x1b[1m> Finished chain.\x1b[0m\n");
  });

  test("verbose keeps a StdOutCallbackHandler that is already there", () => {
    const mine = new StdOutCallbackHandler({ color: "red" });
    const cm = CallbackManager.configure([mine], [], { verbose: true, bus: bus() });
    expect(cm.handlers.filter((h) => h instanceof StdOutCallbackHandler)).toEqual([mine]);
  });

  test("debug adds one inheritable ConsoleCallbackHandler unless one is there", () => {
    const cm = CallbackManager.configure([], [], { debug: true, bus: bus() });
    expect(cm.handlers.filter((h) => h instanceof ConsoleCallbackHandler)).toHaveLength(1);
    expect(cm.inheritableHandlers.filter((h) => h instanceof ConsoleCallbackHandler)).toHaveLength(1);
    const mine = new ConsoleCallbackHandler();
    const again = CallbackManager.configure([mine], [], { debug: true, bus: bus() });
    expect(again.handlers.filter((h) => h instanceof ConsoleCallbackHandler)).toEqual([mine]);
  });

  test("with debug, verbose adds no StdOutCallbackHandler", () => {
    const cm = CallbackManager.configure([], [], { debug: true, verbose: true, bus: bus() });
    expect(cm.handlers.some((h) => h instanceof StdOutCallbackHandler)).toBe(false);
    expect(cm.handlers.some((h) => h instanceof ConsoleCallbackHandler)).toBe(true);
  });

  test("neither flag adds anything", () => {
    const cm = CallbackManager.configure([], [], { bus: bus() });
    expect(cm.handlers).toEqual([]);
  });
});
