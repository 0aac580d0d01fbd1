// Builds dist/esm (import) and dist/cjs (require), each with its own types and a package.json
// that tells Node which module system the folder uses.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";

const tsc = (project) => execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", project], { stdio: "inherit" });

rmSync("dist", { recursive: true, force: true });
tsc("tsconfig.esm.json");
tsc("tsconfig.cjs.json");
for (const [dir, type] of [["esm", "module"], ["cjs", "commonjs"]]) {
  mkdirSync(`dist/${dir}`, { recursive: true });
  writeFileSync(`dist/${dir}/package.json`, JSON.stringify({ type }) + "\n");
}
