/**
 * FileCallbackHandler: the stdout transcript, without bold codes, written to a file. Each
 * handler call is on disk when it returns; `await using` closes the file at the end of the block.
 *
 *   npx tsx examples/file-handler.ts
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CallbackManager } from "callbus";
import { FileCallbackHandler } from "callbus/handlers";

const path = join(await mkdtemp(join(tmpdir(), "callbus-")), "run.log");

{
  await using file = new FileCallbackHandler(path, { mode: "w" });
  const manager = CallbackManager.configure([file]);
  const chain = manager.handleChainStart({ name: "Summarizer" }, { text: "…" });
  chain.handleText("Summarizing 3 paragraphs", { end: "\n" });
  chain.handleChainEnd({ summary: "Short." });
}

console.log(`${path}:`);
console.log(JSON.stringify(await readFile(path, "utf8")));
