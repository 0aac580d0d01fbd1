/**
 * Chain groups: runs that are not one chain (two model calls and a tool, say) traced under one
 * named parent run, as with LangChain's `trace_as_chain_group`. No network.
 *
 *   npx tsx examples/chain-group.ts
 */
import { atraceAsChainGroup, CallbackBus, CallbackManager, dispatchCustomEvent, traceAsChainGroup } from "callbus";

const bus = new CallbackBus();
const depth = new Map<string, number>();
const indent = (runId: string) => "  ".repeat(depth.get(runId) ?? 0);
bus.on("chainStart", ({ runId, parentRunId, name }) => {
  depth.set(runId, parentRunId === undefined ? 0 : (depth.get(parentRunId) ?? 0) + 1);
  console.log(`${indent(runId)}> ${name}`);
});
bus.on("toolStart", ({ runId, parentRunId, name, input }) => {
  depth.set(runId, (depth.get(parentRunId ?? "") ?? 0) + 1);
  console.log(`${indent(runId)}tool ${name}(${JSON.stringify(input)})`);
});
bus.on("customEvent", ({ runId, eventName, data }) => console.log(`${indent(runId)}  event ${eventName}`, data));
bus.on("chainEnd", ({ runId, outputs }) => console.log(`${indent(runId)}< finished`, outputs));
bus.on("chainError", ({ runId, error }) => console.log(`${indent(runId)}< failed: ${error.message}`));

const manager = new CallbackManager(undefined, { bus });

// The sync form: fn gets the group's manager; runs started from it are children of the group.
const answer = traceAsChainGroup(
  "research",
  (group) => {
    const search = group.handleToolStart({ name: "search" }, "callbus");
    search.handleToolEnd("a typed callback bus");
    const summarize = group.handleChainStart({ name: "summarize" }, { text: "a typed callback bus" });
    summarize.handleChainEnd({ summary: "typed events" });
    // The group is the current run inside fn.
    dispatchCustomEvent("note", { sources: 1 });
    group.handleChainEnd({ answer: "typed events" });
    return "typed events";
  },
  { callbackManager: manager, inputs: { question: "what is callbus?" }, tags: ["demo"] },
);
console.log("returned:", answer);

// The async form awaits every handler; a failure errors the group run and is re-thrown.
try {
  await atraceAsChainGroup(
    "retrying",
    async (group) => {
      const step = await group.handleChainStart({ name: "step" }, {});
      await step.handleChainError(new Error("upstream timeout"));
      throw new Error("gave up");
    },
    { callbackManager: manager },
  );
} catch (error) {
  console.log("re-thrown:", (error as Error).message);
}
