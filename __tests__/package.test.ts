import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.join(__dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** `npm pack`, then install the tarball into an empty project (no express) and load every entry both ways. */
test("the packed package installs in an empty folder and loads with import and require", () => {
  const work = mkdtempSync(path.join(os.tmpdir(), "callbus-pack-"));
  try {
    execFileSync(npm, ["pack", "--pack-destination", work, "--silent"], { cwd: root, stdio: "pipe" });
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const project = path.join(work, "app");
    execFileSync("mkdir", ["-p", project]);
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "--silent", path.join(work, tarball!)], { cwd: project, stdio: "pipe" });

    const check = `
      const bus = new m.CallbackBus();
      const seen = [];
      bus.on("text", (p) => seen.push(p.text));
      const handler = { handleText: (text, runId, parentRunId, tags, options) => seen.push(text + ":" + options.color) };
      const run = new m.CallbackManager(undefined, { bus, handlers: [handler] }).handleChainStart({ name: "x" }, {});
      run.handleText("hi", { color: "red" });
      run.handleChainEnd({});
      if (seen.join() !== "hi:red,hi" || m.EVENT_NAMES.length !== 19 || typeof h.StdOutCallbackHandler !== "function" || typeof x.sse !== "function") throw new Error("bad load");
      console.log("ok");`;
    const cjs = execFileSync(process.execPath, ["-e", `const m = require("callbus"); const h = require("callbus/handlers"); const x = require("callbus/express"); ${check}`], { cwd: project, encoding: "utf8" });
    const esm = execFileSync(process.execPath, ["--input-type=module", "-e", `import * as m from "callbus"; import * as h from "callbus/handlers"; import * as x from "callbus/express"; ${check}`], { cwd: project, encoding: "utf8" });
    // Hardened hosts forbid code generation: the compiled per-event functions fall back to closures.
    const hardened = execFileSync(
      process.execPath,
      ["--disallow-code-generation-from-strings", "-e", `const m = require("callbus"); const h = require("callbus/handlers"); const x = require("callbus/express"); ${check}`],
      { cwd: project, encoding: "utf8" },
    );
    expect(cjs.trim()).toBe("ok");
    expect(hardened.trim()).toBe("ok");
    expect(esm.trim()).toBe("ok");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 180_000);
