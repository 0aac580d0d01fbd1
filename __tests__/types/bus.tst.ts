/** The bus's typed surface over the built declarations: right names and payloads compile, wrong ones do not. */
import { expect, test } from "tstyche";
import { CallbackBus, type CallbackEvents, type CallbackHandlerMethods, type ListenerErrorEvent, type RunScope } from "callbus";

const bus = new CallbackBus();
const base = { runId: "r", tags: [] as string[], metadata: {} };

test("listeners get the payload of their event", () => {
  bus.on("llmNewToken", (payload) => {
    expect(payload).type.toBe<CallbackEvents["llmNewToken"]>();
    expect(payload.token).type.toBe<string>();
  });
  bus.on("listenerError", (payload) => {
    expect(payload).type.toBe<ListenerErrorEvent>();
  });
  bus.onAny((event, payload) => {
    expect(event).type.toBe<keyof CallbackEvents>();
    expect(payload.runId).type.toBe<string>();
  });
  expect(bus.run("r")).type.toBe<RunScope>();
});

test("a wrong event name is refused, on the bus and on a run scope", () => {
  expect(bus.on).type.not.toBeCallableWith("chainStrat", () => undefined);
  expect(bus.emit).type.not.toBeCallableWith("tokens", { ...base, token: "x" });
  expect(bus.run("r").on).type.not.toBeCallableWith("llmNewTokens", () => undefined);
});

test("a payload must be the event's whole payload", () => {
  expect(bus.emit).type.toBeCallableWith("text", { ...base, text: "hello" });
  expect(bus.emit).type.not.toBeCallableWith("text", { ...base });
  expect(bus.emit).type.not.toBeCallableWith("text", { text: "no run fields" });
  expect(bus.emit).type.not.toBeCallableWith("llmNewToken", { ...base, token: 42, idx: { prompt: 0, completion: 0 } });
});

test("handler objects are checked against LangChain.js's method signatures", () => {
  expect({ handleLLMNewToken: (token: string) => void token }).type.toBeAssignableTo<CallbackHandlerMethods>();
  expect({ handleLLMNewToken: (token: number) => void token }).type.not.toBeAssignableTo<CallbackHandlerMethods>();
  expect(bus.attach).type.not.toBeCallableWith("not a handler");
});

test("internals are not part of the published types", () => {
  expect(bus).type.not.toHaveProperty("dispatch");
  expect(bus).type.not.toHaveProperty("runs");
  expect(bus).type.not.toHaveProperty("track");
  expect(bus).type.not.toHaveProperty("queues");
  expect(new CallbackBus().run("r")).type.not.toHaveProperty("receive");
});
