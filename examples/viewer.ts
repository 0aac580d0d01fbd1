/**
 * The run viewer with a stream of sample runs: an agent with a retriever and tools whose
 * model streams its tokens, a booking that fails, and batches made with callbus's managers.
 *
 *   npm run example:viewer          (PORT=8080 npm run example:viewer for another port)
 *
 * Then open the printed URL: runs appear as they start, a click shows the tree.
 */
import express from "express";
import { CallbackBus, MemoryRunLog } from "callbus";
import { viewer } from "callbus/express";
import { runAgent, runFailingBooking, runWithManagers } from "./viewer/sample-runs.js";

const port = Number(process.env.PORT ?? 3000);
const bus = new CallbackBus({ log: new MemoryRunLog({ retainMs: 600_000 }) });
const app = express();
app.use("/callbus", viewer({ bus, redact: ["apiKey"] }));
app.get("/", (_req, res) => {
  res.redirect("/callbus/");
});

const questions = ["What should I pack for Paris?", "Is the Louvre open on Tuesday?", "Where can I eat near the Marais?"];
let turn = 0;

/** One sample run every two seconds, in turn: the agent, the failing booking, a batch. */
async function nextRun(): Promise<void> {
  const user = `user-${(turn % 3) + 1}`;
  const metadata = { user, apiKey: "sk-hidden-by-redact" };
  switch (turn++ % 4) {
    case 0:
    case 2:
      await runAgent(bus, questions[turn % questions.length], { tokenDelayMs: 40, metadata });
      break;
    case 1:
      await runFailingBooking(bus, { metadata });
      break;
    default:
      runWithManagers(bus, { name: "nightly-batch", children: 5, tokens: 20, tags: ["batch"], metadata: { user } });
  }
}

const server = app.listen(port, "127.0.0.1", () => {
  console.log(`callbus run viewer: http://127.0.0.1:${port}/callbus/`);
  const loop = async (): Promise<void> => {
    try {
      await nextRun();
    } catch (error) {
      console.error("a sample run failed unexpectedly:", error);
    }
    setTimeout(() => void loop(), 2_000);
  };
  void loop();
});
server.on("error", (error) => {
  console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
  process.exitCode = 1;
});
