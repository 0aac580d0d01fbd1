/**
 * The package as a user gets it: `npm pack` (which builds through `prepack`), the tarball
 * unpacked into a temporary consumer project the way npm installs it, no network. Then: every
 * entry loads with `require` and `import` with only the declared dependencies present; a
 * consumer that imports every entry compiles under `moduleResolution` nodenext, node16, bundler
 * and node10 without `skipLibCheck`; and are-the-types-wrong finds no problem in any entry.
 *
 * Entries whose sources are not in the repository yet (an integration being written) are left
 * out of the checks, and the test says which.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.join(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const bin = (name: string): string => path.join(root, "node_modules", ".bin", name);

/**
 * Entry point -> its source file in this repository, a name it exports (to import in the
 * consumer), and the optional peer packages it loads at run time.
 */
const ENTRIES: Record<string, { source: string; name: string; peers: string[] }> = {
  ".": { source: "lib/index.ts", name: "CallbackBus", peers: [] },
  "./handlers": { source: "handlers/index.ts", name: "StdOutCallbackHandler", peers: [] },
  "./express": { source: "lib/express/index.ts", name: "sse", peers: [] },
  "./redis": { source: "lib/redis/index.ts", name: "RedisRunLog", peers: ["redis", "@redis"] },
  "./otel": { source: "lib/otel/index.ts", name: "OpenTelemetryCallbackHandler", peers: ["@opentelemetry"] },
};
const present = Object.keys(ENTRIES).filter((entry) => existsSync(path.join(root, ENTRIES[entry].source)));
const specifier = (entry: string): string => (entry === "." ? "callbus" : `callbus/${entry.slice(2)}`);

interface PackedManifest {
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
  scripts?: Record<string, string>;
  dependencies: Record<string, string>;
  files: string[];
}

let work: string;
let tarball: string;
let app: string;
let manifest: PackedManifest;

/** Links `name` (a package or a scope folder) from this repository's node_modules into the consumer's. */
function link(name: string): void {
  const target = path.join(app, "node_modules", name);
  if (existsSync(target)) return;
  mkdirSync(path.dirname(target), { recursive: true });
  symlinkSync(path.join(root, "node_modules", name), target, "junction");
}

beforeAll(() => {
  if (present.length < Object.keys(ENTRIES).length) {
    const missing = Object.keys(ENTRIES).filter((e) => !present.includes(e));
    console.log(`package checks leave out ${missing.map(specifier).join(", ")}: no source in this repository yet`);
  }
  work = mkdtempSync(path.join(os.tmpdir(), "callbus-consumer-"));
  const packed = spawnSync(npm, ["pack", "--pack-destination", work, "--silent"], { cwd: root, encoding: "utf8" });
  // The build's compiler errors are on stdout: show them when packing fails.
  if (packed.status !== 0) throw new Error(`npm pack failed (the prepack build):\n${packed.stdout}\n${packed.stderr}`);
  tarball = path.join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  // What `npm install <tarball>` does: the package's files under node_modules/callbus.
  app = path.join(work, "app");
  mkdirSync(path.join(app, "node_modules"), { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", work]);
  renameSync(path.join(work, "package"), path.join(app, "node_modules", "callbus"));
  manifest = JSON.parse(readFileSync(path.join(app, "node_modules", "callbus", "package.json"), "utf8")) as PackedManifest;
  // Only the declared runtime dependencies, so an undeclared import fails to load.
  for (const dependency of Object.keys(manifest.dependencies)) link(dependency);
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
}, 240_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  test("ships no install-time script, maps types for node10, and embeds its sources in the source maps", () => {
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => ["prepare", "preinstall", "install", "postinstall"].includes(s))).toEqual([]);
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["eventemitter3", "nanoid"]);
    for (const entry of Object.keys(ENTRIES).filter((e) => e !== ".")) {
      const mapped = manifest.typesVersions["*"][entry.slice(2)];
      expect(mapped).toHaveLength(1);
      if (present.includes(entry)) expect(existsSync(path.join(app, "node_modules", "callbus", mapped[0]))).toBe(true);
    }
    for (const build of ["esm", "cjs"]) {
      const map = JSON.parse(readFileSync(path.join(app, "node_modules", "callbus", "dist", build, "handlers", "file.js.map"), "utf8")) as { sourcesContent?: string[] };
      expect(map.sourcesContent).toEqual([readFileSync(path.join(root, "handlers", "file.ts"), "utf8")]);
    }
  });

  test("every entry loads with require and import: with eventemitter3 and nanoid only, and its own optional peer", () => {
    // The entries without a peer first, with nothing but the declared dependencies installed (no express).
    const withoutPeers = present.filter((e) => ENTRIES[e].peers.length === 0);
    expect(loadAll(withoutPeers)).toBe(withoutPeers.map(() => "true").join());
    for (const entry of present) for (const peer of ENTRIES[entry].peers) link(peer);
    expect(loadAll(present)).toBe(present.map(() => "true").join());
  });

  /** Loads `entries` with require, import, and require on a host that forbids code generation; runs a chain through the core. */
  function loadAll(list: string[]): string {
    const entries = list.map((e) => `${JSON.stringify(specifier(e))}`);
    const check = `
      const bus = new m.CallbackBus();
      const seen = [];
      bus.on("text", (p) => seen.push(p.text));
      const handler = { handleText: (text, runId, parentRunId, tags, options) => seen.push(text + ":" + options.color) };
      const run = new m.CallbackManager(undefined, { bus, handlers: [handler] }).handleChainStart({ name: "x" }, {});
      run.handleText("hi", { color: "red" });
      run.handleChainEnd({});
      if (seen.join() !== "hi:red,hi" || m.EVENT_NAMES.length !== 19) throw new Error("bad run: " + seen.join());
      console.log(loaded.map((x) => Object.keys(x).length > 0).join());`;
    const cjs = `const m = require("callbus"); const loaded = [${entries.map((e) => `require(${e})`).join(", ")}]; ${check}`;
    const esm = `import * as m from "callbus"; const loaded = await Promise.all([${entries.map((e) => `import(${e})`).join(", ")}]); ${check}`;
    const run = (args: string[]): string => execFileSync(process.execPath, args, { cwd: app, encoding: "utf8" }).trim();
    const results = [
      run(["-e", cjs]),
      run(["--input-type=module", "-e", esm]),
      // Hardened hosts forbid code generation from strings: callbus must still work there.
      run(["--disallow-code-generation-from-strings", "-e", cjs]),
    ];
    // All three print the same line, one "true" per entry that exported something.
    expect(new Set(results).size).toBe(1);
    return results[0];
  }

  describe("a consumer that imports every entry compiles without skipLibCheck", () => {
    const esmFile = "consumer.ts";
    const cjsFile = "consumer-cjs.cts";

    beforeAll(() => {
      // The consumer's own packages for its types: Node's, Express's, and the optional peers.
      for (const name of ["@types", "express", ...present.flatMap((e) => ENTRIES[e].peers)]) link(name);
      const imports = present.map((e, i) => `import { ${ENTRIES[e].name} as entry${i} } from "${specifier(e)}";`).join("\n");
      const uses = `export const entries = [${present.map((_, i) => `entry${i}`).join(", ")}];`;
      writeFileSync(
        path.join(app, esmFile),
        `${imports}
import { CallbackManager, type CallbackEvents } from "callbus";
import { FileCallbackHandler, type Run } from "callbus/handlers";
import { callbus, sse } from "callbus/express";
import express from "express";
${uses}

const bus = new entry0();
bus.on("llmNewToken", (payload: CallbackEvents["llmNewToken"]) => payload.token.length);
const app = express();
app.use(callbus({ bus }));
app.get("/runs/:runId/events", sse({ bus }));
app.post("/chat", (req, res) => {
  const run = req.callbacks.handleChainStart({ name: "chat" }, {});
  res.json({ runId: run.runId });
});
export const manager = CallbackManager.configure([new FileCallbackHandler("/dev/null")], [], { bus });
export const runs: Run[] = [];
`,
      );
      writeFileSync(
        path.join(app, cjsFile),
        `import { CallbackBus } from "callbus";
import { StdOutCallbackHandler } from "callbus/handlers";
import { callbus } from "callbus/express";
import express = require("express");

const bus = new CallbackBus();
express().use(callbus({ bus })).get("/", (req, res) => {
  res.json({ runId: req.callbacks.handleChainStart({ name: "x" }, {}).runId });
});
export const handler = new StdOutCallbackHandler();
`,
      );
    });

    test.each([
      ["nodenext", "nodenext", [esmFile, cjsFile]],
      ["node16", "node16", [esmFile, cjsFile]],
      ["bundler", "preserve", [esmFile]],
      ["node10", "commonjs", [esmFile]],
    ])("moduleResolution %s", (moduleResolution, module, files) => {
      const tsconfig = `tsconfig.${moduleResolution}.json`;
      writeFileSync(
        path.join(app, tsconfig),
        JSON.stringify({
          compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, esModuleInterop: true, target: "ES2022", lib: ["ES2022"], types: ["node"], module, moduleResolution },
          files,
        }),
      );
      const result = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig], { cwd: app, encoding: "utf8" });
      expect(result.stdout + result.stderr).toBe("");
      expect(result.status).toBe(0);
    });
  });

  test("are-the-types-wrong finds no problem in any entry", () => {
    const result = spawnSync(bin("attw"), [tarball, "--format", "ascii", "--entrypoints", ...present], { cwd: work, encoding: "utf8" });
    expect(result.stdout).toContain("No problems found");
    expect(result.status).toBe(0);
  });
});
