/** Exact types of managers and run managers, per family, over the built declarations. */
import { expect, test } from "tstyche";
import {
  AsyncCallbackManager,
  AsyncCallbackManagerForChainRun,
  AsyncCallbackManagerForLLMRun,
  AsyncCallbackManagerForRetrieverRun,
  AsyncCallbackManagerForToolRun,
  CallbackManager,
  CallbackManagerForChainRun,
  CallbackManagerForLLMRun,
  CallbackManagerForRetrieverRun,
  CallbackManagerForToolRun,
  traceAsChainGroup,
  type CallbackManagerForChainGroup,
} from "callbus";

const sync = new CallbackManager();
const asyncManager = new AsyncCallbackManager();

test("sync start methods return their run managers at once", () => {
  expect(sync.handleChainStart({}, {})).type.toBe<CallbackManagerForChainRun>();
  expect(sync.handleLLMStart({}, ["a"])).type.toBe<CallbackManagerForLLMRun[]>();
  expect(sync.handleChatModelStart({}, [[]])).type.toBe<CallbackManagerForLLMRun[]>();
  expect(sync.handleToolStart({}, "in")).type.toBe<CallbackManagerForToolRun>();
  expect(sync.handleRetrieverStart({}, "q")).type.toBe<CallbackManagerForRetrieverRun>();
});

test("async start methods, awaited, give the async run managers", async () => {
  expect(await asyncManager.handleChainStart({}, {})).type.toBe<AsyncCallbackManagerForChainRun>();
  expect(await asyncManager.handleLLMStart({}, ["a"])).type.toBe<AsyncCallbackManagerForLLMRun[]>();
  expect(await asyncManager.handleChatModelStart({}, [[]])).type.toBe<AsyncCallbackManagerForLLMRun[]>();
  expect(await asyncManager.handleToolStart({}, "in")).type.toBe<AsyncCallbackManagerForToolRun>();
  expect(await asyncManager.handleRetrieverStart({}, "q")).type.toBe<AsyncCallbackManagerForRetrieverRun>();
  expect(asyncManager.handleChainStart({}, {})).type.toBe<Promise<AsyncCallbackManagerForChainRun>>();
});

test("run manager calls return nothing in the sync family and a promise in the async one", async () => {
  const run = sync.handleChainStart({}, {});
  expect(run.handleChainEnd({})).type.toBe<void>();
  expect(run.handleText("t")).type.toBe<void>();
  const asyncRun = await asyncManager.handleChainStart({}, {});
  expect(asyncRun.handleChainEnd({})).type.toBe<Promise<void>>();
  expect(asyncRun.handleText("t")).type.toBe<Promise<void>>();
});

test("getChild() gives a manager of the run's own family", async () => {
  expect(sync.handleChainStart({}, {}).getChild()).type.toBe<CallbackManager>();
  expect(sync.handleToolStart({}, "x").getChild("tag")).type.toBe<CallbackManager>();
  expect((await asyncManager.handleChainStart({}, {})).getChild()).type.toBe<AsyncCallbackManager>();
  expect((await asyncManager.handleRetrieverStart({}, "q")).getChild()).type.toBe<AsyncCallbackManager>();
});

test("an LLM run has no children, and its methods are not a chain's", () => {
  const [llm] = sync.handleLLMStart({}, ["a"]);
  expect(llm).type.not.toHaveProperty("getChild");
  expect(llm).type.not.toHaveProperty("handleChainEnd");
  expect(sync.handleChainStart({}, {})).type.not.toHaveProperty("handleLLMNewToken");
});

test("run manager methods take LangChain.js's positional parameters, typed", () => {
  const run = sync.handleChainStart({}, {});
  expect(run.handleChainEnd).type.toBeCallableWith({ answer: 42 });
  expect(run.handleChainEnd).type.not.toBeCallableWith("not an object");
  const [llm] = sync.handleLLMStart({}, ["a"]);
  expect(llm.handleLLMNewToken).type.toBeCallableWith("tok");
  expect(llm.handleLLMNewToken).type.not.toBeCallableWith(42);
});

test("a chain group's code gets the chain group manager and its result is returned", () => {
  expect(traceAsChainGroup("g", (group) => group)).type.toBe<CallbackManagerForChainGroup>();
  expect(traceAsChainGroup("g", () => 42)).type.toBe<number>();
});
