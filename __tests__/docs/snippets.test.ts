/**
 * Every ```ts block of README.md and docs/*.md is a complete program: this test type-checks
 * them all (strict, against callbus's sources) and runs each one, so the docs cannot rot.
 *
 * A block that needs something a test run does not have (a server that listens until stopped,
 * a Redis server) may opt out of running, never of type checking, with this line right before
 * its fence:
 *
 *     <!-- snippet: typecheck-only -->
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.join(__dirname, "..", "..");
/** Snippets are written inside the repository, so they resolve its node_modules and tsconfig paths. */
const dir = path.join(root, "test-output", "snippets");
const MARKER = "<!-- snippet: typecheck-only -->";
/** tsx's loader, named by URL: snippets run in a temporary folder where `--import tsx` would not resolve. */
const TSX = pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;

interface Snippet {
  /** `README.md:42`: the file and the line of the opening fence. */
  where: string;
  file: string;
  code: string;
  run: boolean;
}

function snippetsOf(doc: string): Snippet[] {
  const lines = readFileSync(path.join(root, doc), "utf8").split("\n");
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```ts") continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== "```"; i++) body.push(lines[i]);
    const indent = Math.min(...body.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length));
    const name = `${doc.replace(/[^a-z0-9]+/gi, "-")}-${start + 1}.ts`;
    found.push({
      where: `${doc}:${start + 1}`,
      file: path.join(dir, name),
      code: body.map((l) => l.slice(indent)).join("\n") + "\n",
      run: lines[start - 1]?.trim() !== MARKER,
    });
  }
  return found;
}

const docs = ["README.md", ...(existsSync(path.join(root, "docs")) ? readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`) : [])];
const snippets = docs.flatMap(snippetsOf);

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // ESM, so snippets may use top-level await as users do.
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
  for (const s of snippets) writeFileSync(s.file, s.code);
});

test("the README and every docs page have snippets", () => {
  expect(snippets.filter((s) => s.where.startsWith("README.md")).length).toBeGreaterThan(2);
  expect(snippets.length).toBeGreaterThan(docs.length);
});

test("every snippet type-checks (strict, imports included)", () => {
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ extends: "../../tsconfig.json", compilerOptions: { noUnusedLocals: false, types: ["node"] }, include: ["*.ts"] }),
  );
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(dir, "tsconfig.json")], { encoding: "utf8" });
  // Name each error by the doc line it comes from.
  const report = (result.stdout + result.stderr).replace(/(?:test-output\/snippets\/)?([\w-]+)-md-(\d+)\.ts\((\d+),\d+\)/g, (_m, doc: string, fence: string, line: string) => `${doc}.md:${Number(fence) + Number(line)}`);
  expect(report).toBe("");
}, 120_000);

describe.each(snippets.filter((s) => s.run).map((s) => [s.where, s] as const))("%s", (_where, snippet) => {
  test("runs to the end without an error", () => {
    // Each in a folder of its own, so files a snippet writes go there.
    const cwd = mkdtempSync(path.join(os.tmpdir(), "callbus-snippet-"));
    try {
      const result = spawnSync(process.execPath, ["--import", TSX, snippet.file], {
        cwd,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, "tsconfig.json") },
      });
      // stderr is shown only when the snippet failed, to say why.
      expect({ status: result.status, signal: result.signal, stderr: result.status === 0 ? "" : result.stderr }).toEqual({ status: 0, signal: null, stderr: "" });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 90_000);
});
