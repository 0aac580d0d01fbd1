/**
 * Token streaming: one LLM run streams 50 tokens to `listenerCount` listeners:
 * llmStart, 50 x llmNewToken, llmEnd = 52 events; 50 x listenerCount listener calls.
 *
 * - callbus: `bus.on("llmNewToken", listener)` once per listener; the run comes from a
 *   `CallbackManager` with no handlers on that bus (`handleLLMStart` -> run manager).
 * - @langchain/core: LangChain.js has no listeners, so each listener is a handler with only
 *   `handleLLMNewToken` on its `CallbackManager`; every call is awaited. Inline and background
 *   modes as in the chain run.
 * - floor: eventemitter3 with the listeners on "llmNewToken", one `emit` per event.
 * Every listener and handler method does `calls++` on its own `TokenCounter`.
 */
import { EventEmitter } from "eventemitter3";
import { nanoid } from "nanoid";
import { CallbackBus, CallbackManager } from "callbus";
import { CallbackManager as LangChainManager } from "@langchain/core/callbacks/manager";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { FIXTURE as F, TokenCounter, setAwaitHandlers, totalCalls, type Workload } from "./harness.js";

function callbusStream(manager: CallbackManager): void {
  const [llm] = manager.handleLLMStart(F.llm, [F.prompt]);
  for (const token of F.tokens) llm.handleLLMNewToken(token, F.idx);
  llm.handleLLMEnd(F.llmResult);
}

async function langchainStream(manager: LangChainManager): Promise<void> {
  const [llm] = await manager.handleLLMStart(F.llm, [F.prompt]);
  for (const token of F.tokens) await llm.handleLLMNewToken(token, F.idx);
  await llm.handleLLMEnd(F.llmResult);
}

function floorStream(ee: EventEmitter): void {
  const { tags, metadata } = F;
  const runId = nanoid();
  ee.emit("llmStart", { runId, parentRunId: undefined, tags, metadata, serialized: F.llm, prompts: [F.prompt], name: "FakeModel" });
  for (const token of F.tokens) ee.emit("llmNewToken", { runId, parentRunId: undefined, tags, metadata, token, idx: F.idx });
  ee.emit("llmEnd", { runId, parentRunId: undefined, tags, metadata, output: F.llmResult });
}

/** The token-stream workload with `listenerCount` listeners. */
export function tokenStream(listenerCount: number): Workload {
  return {
    name: `token-stream/${listenerCount}-listener${listenerCount === 1 ? "" : "s"}`,
    description: `llm run, ${F.tokens.length} tokens; ${listenerCount} token listener(s)`,
    eventsPerIteration: F.tokens.length + 2,
    callsPerIteration: F.tokens.length * listenerCount,
    sides() {
      const counters = Array.from({ length: listenerCount }, () => new TokenCounter());
      const received = () => totalCalls(counters);
      const bus = new CallbackBus();
      for (const c of counters) bus.on("llmNewToken", c.listener);
      const manager = new CallbackManager(undefined, { bus });
      const lc = new LangChainManager(undefined, { handlers: counters, inheritableHandlers: counters });
      const ee = new EventEmitter();
      for (const c of counters) ee.on("llmNewToken", c.listener);
      return {
        callbus: { sync: true, received, iteration: () => callbusStream(manager) },
        langchainInline: { sync: false, received, enter: () => setAwaitHandlers(counters, true), iteration: () => langchainStream(lc) },
        langchainBackground: {
          sync: false,
          received,
          enter: () => setAwaitHandlers(counters, false),
          iteration: () => langchainStream(lc),
          settle: awaitAllCallbacks,
        },
        floor: { sync: true, received, iteration: () => floorStream(ee) },
      };
    },
  };
}
