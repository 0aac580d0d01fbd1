/**
 * callbus's bus fits `typed-emitter`'s `TypedEventEmitter` for its listener map (the 21 callback
 * events), so code typed against typed-emitter takes a bus. `TypedEventEmitter` describes Node's
 * whole `EventEmitter`: five of its members are not in eventemitter3 (`prependListener`,
 * `prependOnceListener`, `rawListeners`, `getMaxListeners`, `setMaxListeners`). And the bus's
 * `listeners(event)` is typed from the bus's own map (with `listenerError`), which TypeScript
 * cannot relate to typed-emitter's for a generic event, though it matches for every event name.
 * callbus does not depend on typed-emitter: its package lists `rxjs` as an optional dependency,
 * which npm would install in every app that installs callbus.
 */
import { expect, test } from "tstyche";
import type TypedEventEmitter from "typed-emitter";
import type { CallbackBus, CallbackEvents, Listener } from "callbus";

/** The listener map typed-emitter takes: each event name to its listener. */
type BusListeners = { [E in keyof CallbackEvents]: Listener<CallbackEvents[E]> };

/** Members of Node's EventEmitter that eventemitter3 does not have. */
type NodeOnly = "prependListener" | "prependOnceListener" | "rawListeners" | "getMaxListeners" | "setMaxListeners";

test("on, once, off, addListener, removeListener, removeAllListeners, emit, eventNames and listenerCount are typed-emitter's", () => {
  expect<CallbackBus & Pick<TypedEventEmitter<BusListeners>, NodeOnly | "listeners">>().type.toBeAssignableTo<TypedEventEmitter<BusListeners>>();
});

declare const bus: CallbackBus;

test("listeners(event) gives typed-emitter's listener type for each event", () => {
  expect(bus.listeners("llmNewToken")).type.toBeAssignableTo<BusListeners["llmNewToken"][]>();
  expect(bus.listeners("chainStart")).type.toBeAssignableTo<BusListeners["chainStart"][]>();
  expect(bus.listeners("customEvent")).type.toBeAssignableTo<BusListeners["customEvent"][]>();
});

test("the bus alone is not the whole TypedEventEmitter", () => {
  expect<CallbackBus>().type.not.toBeAssignableTo<TypedEventEmitter<BusListeners>>();
});

test("a listener map that disagrees with callbus's payloads or names does not fit", () => {
  type WrongToken = Omit<BusListeners, "llmNewToken"> & { llmNewToken: Listener<{ token: number }> };
  type WrongName = BusListeners & { tokens: Listener<{ token: string }> };
  expect<CallbackBus & Pick<TypedEventEmitter<WrongToken>, NodeOnly | "listeners">>().type.not.toBeAssignableTo<TypedEventEmitter<WrongToken>>();
  expect<CallbackBus & Pick<TypedEventEmitter<WrongName>, NodeOnly | "listeners">>().type.not.toBeAssignableTo<TypedEventEmitter<WrongName>>();
});
