/**
 * Chain run: a chain starts, calls a model that streams 50 tokens, then a tool, and ends:
 * chainStart, llmStart, 50 x llmNewToken, llmEnd, toolStart, toolEnd, chainEnd = 56 events,
 * each heard by `handlerCount` handlers (56 x handlerCount calls).
 *
 * - callbus: a `CallbackManager` (sync, handlers inheritable) on its own bus, run managers from
 *   `handleChainStart` / `getChild()`, run ids made by callbus (nanoid). Every call returns at once.
 * - @langchain/core: the same positional calls on its `CallbackManager`, each awaited (its methods
 *   return promises), run ids made by LangChain.js (uuid v7). Inline: `awaitHandlers = true` on
 *   the handlers; background: `false`, and `awaitAllCallbacks()` ends the round.
 * - floor: one eventemitter3 emitter, each handler's `listener` on the 7 event names, and one
 *   `emit` per event with the payload callbus would build (run ids made with nanoid too).
 * All sides give the same `CountingHandler` objects the same payload values.
 */
import { EventEmitter } from "eventemitter3";
import { nanoid } from "nanoid";
import { CallbackBus, CallbackManager } from "callbus";
import { CallbackManager as LangChainManager } from "@langchain/core/callbacks/manager";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { CountingHandler, FIXTURE as F, setAwaitHandlers, totalCalls, type Side, type Workload } from "./harness.js";

/** The events of a chain run, and how many one run emits. */
export const CHAIN_RUN_EVENTS = ["chainStart", "llmStart", "llmNewToken", "llmEnd", "toolStart", "toolEnd", "chainEnd"] as const;
export const EVENTS_PER_RUN = 4 + F.tokens.length + 2;

/** One chain run through a callbus manager. */
export function callbusChainRun(manager: CallbackManager): void {
  const chain = manager.handleChainStart(F.chain, F.inputs);
  const [llm] = chain.getChild().handleLLMStart(F.llm, [F.prompt]);
  for (const token of F.tokens) llm.handleLLMNewToken(token, F.idx);
  llm.handleLLMEnd(F.llmResult);
  const tool = chain.getChild().handleToolStart(F.tool, F.toolInput);
  tool.handleToolEnd(F.toolOutput);
  chain.handleChainEnd(F.outputs);
}

/** One chain run through a @langchain/core manager, every call awaited (its methods return promises). */
export async function langchainChainRun(manager: LangChainManager): Promise<void> {
  const chain = await manager.handleChainStart(F.chain, F.inputs);
  const [llm] = await chain.getChild().handleLLMStart(F.llm, [F.prompt]);
  for (const token of F.tokens) await llm.handleLLMNewToken(token, F.idx);
  await llm.handleLLMEnd(F.llmResult);
  const tool = await chain.getChild().handleToolStart(F.tool, F.toolInput);
  await tool.handleToolEnd(F.toolOutput);
  await chain.handleChainEnd(F.outputs);
}

function floorChainRun(ee: EventEmitter): void {
  const { tags, metadata } = F;
  const chainId = nanoid();
  ee.emit("chainStart", { runId: chainId, parentRunId: undefined, tags, metadata, serialized: F.chain, inputs: F.inputs, name: "AnswerChain" });
  const llmId = nanoid();
  ee.emit("llmStart", { runId: llmId, parentRunId: chainId, tags, metadata, serialized: F.llm, prompts: [F.prompt], name: "FakeModel" });
  for (const token of F.tokens) ee.emit("llmNewToken", { runId: llmId, parentRunId: chainId, tags, metadata, token, idx: F.idx });
  ee.emit("llmEnd", { runId: llmId, parentRunId: chainId, tags, metadata, output: F.llmResult });
  const toolId = nanoid();
  ee.emit("toolStart", { runId: toolId, parentRunId: chainId, tags, metadata, serialized: F.tool, input: F.toolInput, name: "Calculator" });
  ee.emit("toolEnd", { runId: toolId, parentRunId: chainId, tags, metadata, output: F.toolOutput });
  ee.emit("chainEnd", { runId: chainId, parentRunId: undefined, tags, metadata, outputs: F.outputs });
}

/**
 * @langchain/core's two sides of a chain run on `handlers`: inline (`awaitHandlers = true`) and in
 * the background (`false`, `awaitAllCallbacks()` ends the round), every call awaited.
 */
export function langchainSides(handlers: CountingHandler[], received: () => number): { langchainInline: Side; langchainBackground: Side } {
  const lc = new LangChainManager(undefined, { handlers, inheritableHandlers: handlers });
  return {
    langchainInline: { sync: false, received, enter: () => setAwaitHandlers(handlers, true), iteration: () => langchainChainRun(lc) },
    langchainBackground: {
      sync: false,
      received,
      enter: () => setAwaitHandlers(handlers, false),
      iteration: () => langchainChainRun(lc),
      settle: awaitAllCallbacks,
    },
  };
}

/** The chain-run workload with `handlerCount` handlers. */
export function chainRun(handlerCount: number): Workload {
  return {
    name: `chain-run/${handlerCount}-handler${handlerCount === 1 ? "" : "s"}`,
    description: `chain > (llm with ${F.tokens.length} tokens, tool); ${handlerCount} handler(s)`,
    eventsPerIteration: EVENTS_PER_RUN,
    callsPerIteration: EVENTS_PER_RUN * handlerCount,
    sides() {
      const handlers = Array.from({ length: handlerCount }, () => new CountingHandler());
      const received = () => totalCalls(handlers);
      const manager = new CallbackManager(undefined, { bus: new CallbackBus(), handlers, inheritableHandlers: handlers });
      const ee = new EventEmitter();
      for (const h of handlers) for (const event of CHAIN_RUN_EVENTS) ee.on(event, h.listener);
      return {
        callbus: { sync: true, received, iteration: () => callbusChainRun(manager) },
        ...langchainSides(handlers, received),
        floor: { sync: true, received, iteration: () => floorChainRun(ee) },
      };
    },
  };
}
