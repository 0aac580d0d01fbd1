// Imports every built module first and alone, each in a fresh Node process, with `import`
// (dist/esm) and with `require` (dist/cjs): whichever module an application or a bundler loads
// first, it must load. Run after `npm run build`; exits non-zero naming every module that failed.
import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url).pathname;

/** Folders of browser scripts (the run viewer's page), which a page loads, never Node. */
const BROWSER_ONLY = ["lib/express/viewer/static"];

function builtModules(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!BROWSER_ONLY.some((folder) => path.endsWith(join("esm", folder)) || path.endsWith(join("cjs", folder)))) found.push(...builtModules(path));
    }
    else if (name.endsWith(".js")) found.push(path);
  }
  return found.sort();
}

/** One fresh process that loads `path` and nothing else first. */
function loadAlone(kind, path) {
  const code = kind === "esm" ? `await import(${JSON.stringify(pathToFileURL(path).href)})` : `require(${JSON.stringify(path)})`;
  const args = kind === "esm" ? ["--input-type=module", "-e", code] : ["-e", code];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve(error === null ? undefined : `${kind} ${relative(root, path)}: ${(stderr.trim().split("\n").find((l) => /Error/.test(l)) ?? error.message).trim()}`);
    });
  });
}

const jobs = [];
for (const kind of ["esm", "cjs"]) {
  const dir = join(root, "dist", kind);
  for (const path of builtModules(dir)) jobs.push([kind, path]);
}
if (jobs.length === 0) {
  console.error("check-module-load: no built modules under dist/; run npm run build first");
  process.exit(1);
}

// Two at a time: the machine this runs on is shared.
const failures = [];
let next = 0;
async function worker() {
  while (next < jobs.length) {
    const [kind, path] = jobs[next++];
    const failure = await loadAlone(kind, path);
    if (failure !== undefined) failures.push(failure);
  }
}
await Promise.all([worker(), worker()]);

if (failures.length > 0) {
  console.error(`check-module-load: ${failures.length} of ${jobs.length} modules fail when loaded first:\n  ${failures.sort().join("\n  ")}`);
  process.exit(1);
}
console.log(`check-module-load: all ${jobs.length} built modules load first and alone (ESM and CJS)`);
