/**
 * Type tests: `npm test` compiles this file with `tsc`. Each `@ts-expect-error` line must fail to
 * compile; if one ever compiled, tsc would report the unused directive and the test run would fail.
 */
import { CallbackBus, CallbackManager, type CallbackEvents, type CallbackHandlerMethods } from "callbus";

const bus = new CallbackBus();
const base = { runId: "r", tags: [], metadata: {} };

// Right names and payloads compile, and listeners see precise payload types.
bus.on("llmNewToken", ({ token, idx }) => token.toUpperCase() + idx.completion.toFixed());
bus.on("chainEnd", (payload: CallbackEvents["chainEnd"]) => Object.keys(payload.outputs));
bus.on("listenerError", ({ error, event }) => [error, event]);
bus.emit("text", { ...base, text: "hello" });
bus.run("r", { descendants: true }).once("toolEnd", ({ output }) => output);
bus.onAny((event, payload) => (event === "text" ? payload.runId : undefined));
const run = new CallbackManager(undefined, { bus }).handleChainStart({ name: "c" }, { q: 1 });
run.on("text", ({ text }) => text.length);

// @ts-expect-error: a wrong event name does not compile
bus.on("chainStrat", () => undefined);
// @ts-expect-error: a wrong event name does not compile on emit either
bus.emit("tokens", { ...base, token: "x" });
// @ts-expect-error: the payload lacks the event's own field (`text`)
bus.emit("text", { ...base });
// @ts-expect-error: a field of the wrong type
bus.emit("llmNewToken", { ...base, token: 42, idx: { prompt: 0, completion: 0 } });
// @ts-expect-error: every payload needs runId, tags and metadata
bus.emit("text", { text: "no run" });
// @ts-expect-error: the listener's payload type is the event's (no `token` on chainStart)
bus.on("chainStart", ({ token }) => token);
// @ts-expect-error: a scoped emitter is typed the same way
bus.run("r").on("llmEnd", ({ outputs }) => outputs);
// @ts-expect-error: run managers take LangChain.js's positional parameters, typed
run.handleChainEnd("not an object");

// Handler objects are checked against LangChain.js's method signatures.
const handler: CallbackHandlerMethods = {
  handleLLMNewToken: (token: string) => void token,
};
const badHandler: CallbackHandlerMethods = {
  // @ts-expect-error: handleLLMNewToken's first parameter is a string
  handleLLMNewToken: (token: number) => void token,
};
export { handler, badHandler };
