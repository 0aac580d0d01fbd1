/**
 * Code that must not compile. Each `@ts-expect-error` names the start of the error it expects,
 * and tstyche checks that the error raised says so: a directive that silences some other error
 * (a typo in the fixture, say) fails the run.
 */
import { test } from "tstyche";
import { CallbackBus, CallbackManager, type CallbackHandlerMethods } from "callbus";

const bus = new CallbackBus();
const base = { runId: "r", tags: [] as string[], metadata: {} };
const run = new CallbackManager(undefined, { bus }).handleChainStart({ name: "c" }, { q: 1 });

test("wrong event names", () => {
  // @ts-expect-error Argument of type '"chainStrat"' is not assignable to parameter of type
  bus.on("chainStrat", () => undefined);
  // @ts-expect-error Argument of type '"tokens"' is not assignable to parameter of type
  bus.emit("tokens", { ...base, token: "x" });
  // @ts-expect-error Argument of type '"llmNewTokens"' is not assignable to parameter of type
  run.on("llmNewTokens", () => undefined);
});

test("wrong payloads", () => {
  // @ts-expect-error Property 'text' is missing
  bus.emit("text", { ...base });
  // @ts-expect-error Type 'number' is not assignable to type 'string'.
  bus.emit("llmNewToken", { ...base, token: 42, idx: { prompt: 0, completion: 0 } });
  // @ts-expect-error is missing the following properties from type 'TextEvent': runId, tags, metadata
  bus.emit("text", { text: "no run" });
});

test("listeners that read a field their event lacks", () => {
  // @ts-expect-error Property 'token' does not exist on type 'ChainStartEvent'.
  bus.on("chainStart", ({ token }) => token);
  // @ts-expect-error Property 'outputs' does not exist on type 'LLMEndEvent'.
  bus.run("r").on("llmEnd", ({ outputs }) => outputs);
});

test("run managers and handlers are typed as in LangChain.js", () => {
  // @ts-expect-error Argument of type 'string' is not assignable to parameter of type 'ChainValues'.
  run.handleChainEnd("not an object");
  const badHandler: CallbackHandlerMethods = {
    // @ts-expect-error Type '(token: number) => undefined' is not assignable to type
    handleLLMNewToken: (token: number) => void token,
  };
  void badHandler;
  // @ts-expect-error Property 'dispatch' does not exist on type 'CallbackBus'.
  void bus.dispatch;
});
