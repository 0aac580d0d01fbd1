/**
 * Compiled by `tsc -p tsconfig.json` in `npm test`, never run: LangChain.js's own tracers are
 * callbus handlers, and a callbus manager's handler is a LangChain.js `callbacks` entry, for the
 * newest and the oldest @langchain/core 1.x, without a cast.
 */
import type { Callbacks } from "@langchain/core/callbacks/manager";
import type { Callbacks as OldestCallbacks } from "langchain-core-oldest/callbacks/manager";
import { ConsoleCallbackHandler } from "@langchain/core/tracers/console";
import { RunCollectorCallbackHandler } from "@langchain/core/tracers/run_collector";
import { ConsoleCallbackHandler as OldestConsole } from "langchain-core-oldest/tracers/console";
import { RunCollectorCallbackHandler as OldestCollector } from "langchain-core-oldest/tracers/run_collector";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { AsyncCallbackManager, CallbackBus, CallbackManager, type CallbackHandlerLike } from "callbus";

const bus = new CallbackBus();

// Tracers, whose methods resolve to the `Run` they touched, go wherever callbus takes handlers.
CallbackManager.configure([new ConsoleCallbackHandler()]);
AsyncCallbackManager.configure([new RunCollectorCallbackHandler()], [new ConsoleCallbackHandler()], { bus });
bus.attach(new RunCollectorCallbackHandler());
bus.attach(new OldestCollector());
const handlers: CallbackHandlerLike[] = [new OldestConsole(), new RunCollectorCallbackHandler()];
new CallbackManager(undefined, { bus, handlers }).addHandler(new ConsoleCallbackHandler());

// A manager's or a run's child manager's handler goes in LangChain.js `callbacks`.
const manager = CallbackManager.configure([], undefined, { bus });
const run = manager.handleChainStart({ name: "request" }, {});
const fromManager: Callbacks = [manager.asLangChainHandler()];
const fromChild: Callbacks = [run.getChild("model").asLangChainHandler({ preferStreaming: true })];
const forOldest: OldestCallbacks = [run.getChild().asLangChainHandler()];
void [fromManager, fromChild, forOldest];

const model = new FakeListChatModel({ responses: ["hi"] });
void model.stream("hello", { callbacks: [run.getChild().asLangChainHandler()] });
