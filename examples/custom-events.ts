/**
 * Custom events: code running inside a run reports progress with `dispatchCustomEvent`, which
 * finds the enclosing run by itself (the async context) or from `{ callbacks }`. No network.
 *
 *   npx tsx examples/custom-events.ts
 */
import { adispatchCustomEvent, CallbackBus, CallbackManager, dispatchCustomEvent, runWithCallbacks } from "callbus";

const bus = new CallbackBus();
bus.on("customEvent", ({ eventName, data, runId }) => console.log(`bus: ${eventName} of run ${runId}`, data));

// A handler method gets LangChain.js's arguments: (name, data, runId, tags, metadata).
const manager = CallbackManager.configure(
  [{ handleCustomEvent: (name, data, runId, tags) => console.log(`handler: ${name} of run ${runId}, tags ${tags?.join(",")}`) }],
  undefined,
  { bus, inheritableTags: ["import-job"] },
);

async function importRows(rows: string[]): Promise<number> {
  let done = 0;
  for (const row of rows) {
    await new Promise((resolve) => setTimeout(resolve, 5)); // some async work
    done++;
    // No run is passed in: the current run of the async context is used.
    await adispatchCustomEvent("progress", { row, done, total: rows.length });
  }
  return done;
}

const run = manager.handleChainStart({ name: "import" }, { rows: 3 });
// Make the run current for the body: everything it awaits can dispatch to it.
const count = await runWithCallbacks(run, () => importRows(["a", "b", "c"]));
// From anywhere, name the run explicitly.
dispatchCustomEvent("summary", { count }, { callbacks: run });
run.handleChainEnd({ count });

// Outside any run there is no parent to report to: the error says how to pass one.
try {
  dispatchCustomEvent("orphan", {});
} catch (error) {
  console.log("outside a run:", (error as Error).message.split(". ")[0]);
}
await bus.flush();
