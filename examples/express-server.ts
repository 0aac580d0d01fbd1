/**
 * Live run events over Server-Sent Events with Express: open http://127.0.0.1:3000, send a
 * message, and watch the fake model's tokens arrive.
 *
 *   npm run example:express          (PORT=8080 npm run example:express for another port)
 *
 * Or from a shell:
 *   curl -s -XPOST localhost:3000/chat -H 'content-type: application/json' -d '{"message":"hi"}'
 *   curl -N localhost:3000/runs/<runId>/events
 */
import { createApp } from "./express/app.js";

const port = Number(process.env.PORT ?? 3000);
const { app, bus } = createApp({
  sse: { onClose: (s) => console.log(`stream of ${s.runId} closed (${s.reason}): ${s.sent} events sent, ${s.dropped} dropped`) },
});

bus.on("chainStart", ({ runId, name, metadata }) => {
  if (name === "chat") console.log(`request ${String(metadata.requestId)}: chat run ${runId} started`);
});
bus.on("chainEnd", ({ runId, outputs }) => console.log(`run ${runId} answered: ${String(outputs.reply)}`));

const server = app.listen(port, "127.0.0.1", () => {
  console.log(`callbus example listening on http://127.0.0.1:${port}`);
});
server.on("error", (error) => {
  console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
  process.exitCode = 1;
});
