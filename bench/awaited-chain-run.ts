/**
 * Awaited chain run: the chain-run events (chain > llm with 50 tokens, tool), with every manager
 * call awaited, as code written against LangChain.js or the async family does.
 *
 * - callbus: `mode: "sync"` awaits each call of the sync `CallbackManager` (its calls return at
 *   once; awaiting them costs a microtask each); `mode: "async"` uses `AsyncCallbackManager`,
 *   whose calls return promises that settle after the handlers.
 * - @langchain/core: its `CallbackManager`, every call awaited (inline: `awaitHandlers = true`;
 *   background: `false`, `awaitAllCallbacks()` ends the round), as in chain-run.
 * - floor: a bare eventemitter3 `emit` of the same payloads, each awaited.
 */
// The floor awaits each plain emit on purpose: awaited code awaits calls that return at once.
/* eslint-disable @typescript-eslint/await-thenable */
import { EventEmitter } from "eventemitter3";
import { nanoid } from "nanoid";
import { AsyncCallbackManager, CallbackBus, CallbackManager } from "callbus";
import { CountingHandler, FIXTURE as F, totalCalls, type Workload } from "./harness.js";
import { CHAIN_RUN_EVENTS, EVENTS_PER_RUN, langchainSides } from "./chain-run.js";

/** One chain run through a callbus manager of either family, every call awaited. */
async function callbusAwaitedRun(manager: CallbackManager | AsyncCallbackManager): Promise<void> {
  const chain = await manager.handleChainStart(F.chain, F.inputs);
  const [llm] = await chain.getChild().handleLLMStart(F.llm, [F.prompt]);
  for (const token of F.tokens) await llm.handleLLMNewToken(token, F.idx);
  await llm.handleLLMEnd(F.llmResult);
  const tool = await chain.getChild().handleToolStart(F.tool, F.toolInput);
  await tool.handleToolEnd(F.toolOutput);
  await chain.handleChainEnd(F.outputs);
}

/** The floor: the payloads callbus would build, each `emit` awaited. */
async function floorAwaitedRun(ee: EventEmitter): Promise<void> {
  const { tags, metadata } = F;
  const chainId = nanoid();
  await ee.emit("chainStart", { runId: chainId, parentRunId: undefined, tags, metadata, serialized: F.chain, inputs: F.inputs, name: "AnswerChain" });
  const llmId = nanoid();
  await ee.emit("llmStart", { runId: llmId, parentRunId: chainId, tags, metadata, serialized: F.llm, prompts: [F.prompt], name: "FakeModel" });
  for (const token of F.tokens) await ee.emit("llmNewToken", { runId: llmId, parentRunId: chainId, tags, metadata, token, idx: F.idx });
  await ee.emit("llmEnd", { runId: llmId, parentRunId: chainId, tags, metadata, output: F.llmResult });
  const toolId = nanoid();
  await ee.emit("toolStart", { runId: toolId, parentRunId: chainId, tags, metadata, serialized: F.tool, input: F.toolInput, name: "Calculator" });
  await ee.emit("toolEnd", { runId: toolId, parentRunId: chainId, tags, metadata, output: F.toolOutput });
  await ee.emit("chainEnd", { runId: chainId, parentRunId: undefined, tags, metadata, outputs: F.outputs });
}

/** The awaited chain-run workload with `handlerCount` handlers, through the sync or the async manager. */
export function awaitedChainRun(handlerCount: number, mode: "sync" | "async"): Workload {
  return {
    name: `awaited-${mode}/${handlerCount}-handler${handlerCount === 1 ? "" : "s"}`,
    description: `chain-run with every call awaited, callbus ${mode === "sync" ? "CallbackManager" : "AsyncCallbackManager"}; ${handlerCount} handler(s)`,
    eventsPerIteration: EVENTS_PER_RUN,
    callsPerIteration: EVENTS_PER_RUN * handlerCount,
    sides() {
      const handlers = Array.from({ length: handlerCount }, () => new CountingHandler());
      const received = () => totalCalls(handlers);
      const options = { bus: new CallbackBus(), handlers, inheritableHandlers: handlers };
      const manager = mode === "sync" ? new CallbackManager(undefined, options) : new AsyncCallbackManager(undefined, options);
      const ee = new EventEmitter();
      for (const h of handlers) for (const event of CHAIN_RUN_EVENTS) ee.on(event, h.listener);
      return {
        callbus: { sync: false, received, iteration: () => callbusAwaitedRun(manager) },
        ...langchainSides(handlers, received),
        floor: { sync: false, received, iteration: () => floorAwaitedRun(ee) },
      };
    },
  };
}
