/**
 * `npm run demo` (examples/quickstart.ts) reads as a person wants to watch a run: the question,
 * the model's tokens together on one line, then the run tree and the token usage.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.join(__dirname, "..", "..");
const TSX = pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;

test("the demo prints the tokens on one line, then the run tree and the usage", () => {
  const result = spawnSync(process.execPath, ["--import", TSX, "examples/quickstart.ts"], { cwd: root, encoding: "utf8", timeout: 60_000 });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  const lines = result.stdout.replace(/\(\d+ ms\)/g, "(T)").split("\n");
  expect(lines).toEqual([
    "> What is the weather in Paris?",
    "Let me ask the weather tool about Paris.",
    "",
    "Run tree:",
    "Weather [chain] -> 18°C and sunny in Paris (T)",
    "  FakeChatModel [llm] -> Let me ask the weather tool about Paris. (T)",
    "  weather [tool] -> 18°C, sunny (T)",
    "",
    "Token usage: {",
    "  'fake-chat-1': { input_tokens: 9, output_tokens: 9, total_tokens: 18 }",
    "}",
    "Open runs: 0, scopes still listening: 0",
    "",
  ]);
});
