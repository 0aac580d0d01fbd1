import { execFileSync } from "node:child_process";
import path from "node:path";

interface Snapshot {
  heap: number;
  listeners: number;
  runs: number;
  scopes: number;
}

test("200,000 finished runs leave listener counts, open runs, scopes and the heap at their baseline (behaviours.md 31)", () => {
  const fixture = path.join(__dirname, "fixtures", "many-runs.ts");
  const output = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", fixture, "200000"], {
    cwd: path.join(__dirname, "..", ".."),
    encoding: "utf8",
  });
  const { runs, events, before, after } = JSON.parse(output) as { runs: number; events: number; before: Snapshot; after: Snapshot };
  expect(runs).toBe(200_000);
  // Every listener and handler heard every run: 2 tokens, llmEnd in scope, chainEnd in scope and in the handler.
  expect(events).toBe(220_000 * 5);
  expect(after.listeners).toBe(before.listeners);
  expect(after.runs).toBe(0);
  expect(after.scopes).toBe(0);
  // Nothing is kept per finished run: 200,000 runs of even 20 bytes each would be 4 MB.
  expect(after.heap - before.heap).toBeLessThan(2 * 1024 * 1024);
});
