/** `asLangChainHandler()` goes in LangChain.js `callbacks`, for the oldest and the newest @langchain/core 1.x. */
import { expect, test } from "tstyche";
import type { Callbacks as NewestCallbacks } from "@langchain/core/callbacks/manager";
import type { Callbacks as OldestCallbacks } from "langchain-core-oldest/callbacks/manager";
import { CallbackBus, type LangChainHandler } from "callbus";

const handler = new CallbackBus().asLangChainHandler();

test("the handler is a LangChain.js callbacks entry", () => {
  expect(handler).type.toBe<LangChainHandler>();
  expect([handler]).type.toBeAssignableTo<NewestCallbacks>();
  expect([handler]).type.toBeAssignableTo<OldestCallbacks>();
});

test("a plain object of the wrong shape is not", () => {
  expect([{ handleLLMNewToken: 42 }]).type.not.toBeAssignableTo<NewestCallbacks>();
});
