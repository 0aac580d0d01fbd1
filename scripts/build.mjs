// Builds dist/esm (import) and dist/cjs (require), each with its own types and a package.json
// that tells Node which module system the folder uses. Run by `npm pack` (prepack), `npm run
// bench` and the package test; never by a consumer's install. Source maps embed the TypeScript
// sources (`--inlineSources`), which the package does not ship.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";

const tsc = (project) => execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", project, "--inlineSources"], { stdio: "inherit" });

rmSync("dist", { recursive: true, force: true });
tsc("tsconfig.esm.json");
tsc("tsconfig.cjs.json");
for (const [dir, type] of [["esm", "module"], ["cjs", "commonjs"]]) {
  mkdirSync(`dist/${dir}`, { recursive: true });
  writeFileSync(`dist/${dir}/package.json`, JSON.stringify({ type }) + "\n");
  // The run viewer's page files (HTML, browser modules, CSS) are served as they are.
  cpSync("lib/express/viewer/static", `dist/${dir}/lib/express/viewer/static`, { recursive: true });
}
