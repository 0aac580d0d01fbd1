/**
 * Deep tree: a chain of 20 nested child runs (each started from its parent's `getChild()`),
 * then ended from the deepest up: 20 x chainStart + 20 x chainEnd = 40 events, one handler.
 *
 * - callbus: a `CallbackManager` with the handler inheritable; runs and children as in LangChain.js.
 * - @langchain/core: the same calls on its `CallbackManager`, each awaited; inline and background.
 * - floor: eventemitter3, the handler's `listener` on chainStart/chainEnd, payloads with the
 *   run id and parent id of each level (ids made with nanoid).
 */
import { EventEmitter } from "eventemitter3";
import { nanoid } from "nanoid";
import { CallbackBus, CallbackManager, type CallbackManagerForChainRun } from "callbus";
import { CallbackManager as LangChainManager, type CallbackManagerForChainRun as LangChainChainRun } from "@langchain/core/callbacks/manager";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { CountingHandler, FIXTURE as F, setAwaitHandlers, totalCalls, type Workload } from "./harness.js";

const DEPTH = 20;

function callbusTree(root: CallbackManager): void {
  const runs: CallbackManagerForChainRun[] = [];
  let manager = root;
  for (let level = 0; level < DEPTH; level++) {
    const run = manager.handleChainStart(F.chain, F.inputs);
    runs.push(run);
    manager = run.getChild();
  }
  for (let level = DEPTH - 1; level >= 0; level--) runs[level].handleChainEnd(F.outputs);
}

async function langchainTree(root: LangChainManager): Promise<void> {
  const runs: LangChainChainRun[] = [];
  let manager = root;
  for (let level = 0; level < DEPTH; level++) {
    const run = await manager.handleChainStart(F.chain, F.inputs);
    runs.push(run);
    manager = run.getChild();
  }
  for (let level = DEPTH - 1; level >= 0; level--) await runs[level].handleChainEnd(F.outputs);
}

function floorTree(ee: EventEmitter): void {
  const { tags, metadata } = F;
  const ids: string[] = [];
  let parentRunId: string | undefined;
  for (let level = 0; level < DEPTH; level++) {
    const runId = nanoid();
    ee.emit("chainStart", { runId, parentRunId, tags, metadata, serialized: F.chain, inputs: F.inputs, name: "AnswerChain" });
    ids.push(runId);
    parentRunId = runId;
  }
  for (let level = DEPTH - 1; level >= 0; level--) {
    ee.emit("chainEnd", { runId: ids[level], parentRunId: level === 0 ? undefined : ids[level - 1], tags, metadata, outputs: F.outputs });
  }
}

/** The deep-tree workload. */
export function deepTree(): Workload {
  return {
    name: `deep-tree/depth-${DEPTH}`,
    description: `${DEPTH} nested chain runs started then ended; 1 handler`,
    eventsPerIteration: 2 * DEPTH,
    callsPerIteration: 2 * DEPTH,
    sides() {
      const handlers = [new CountingHandler()];
      const received = () => totalCalls(handlers);
      const manager = new CallbackManager(undefined, { bus: new CallbackBus(), handlers, inheritableHandlers: handlers });
      const lc = new LangChainManager(undefined, { handlers, inheritableHandlers: handlers });
      const ee = new EventEmitter();
      for (const h of handlers) for (const event of ["chainStart", "chainEnd"]) ee.on(event, h.listener);
      return {
        callbus: { sync: true, received, iteration: () => callbusTree(manager) },
        langchainInline: { sync: false, received, enter: () => setAwaitHandlers(handlers, true), iteration: () => langchainTree(lc) },
        langchainBackground: {
          sync: false,
          received,
          enter: () => setAwaitHandlers(handlers, false),
          iteration: () => langchainTree(lc),
          settle: awaitAllCallbacks,
        },
        floor: { sync: true, received, iteration: () => floorTree(ee) },
      };
    },
  };
}
