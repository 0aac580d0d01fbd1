/**
 * The page's files are found beside the compiled module in both builds: the resolver is
 * compiled as an ES module and as CommonJS (as the package build does), the static folder is
 * copied beside it (as scripts/build.mjs does), and a plain `node` loads each and asks.
 * From the sources, every other viewer test already finds them through ts-jest.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "callbus-static-dir-"));
});
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

test.each([
  ["esm", "module", "ES2022", "Bundler"],
  ["cjs", "commonjs", "CommonJS", "Node10"],
])("a %s build finds the static folder beside it", (dir, type, module, resolution) => {
  const build = join(out, dir);
  execFileSync(process.execPath, [
    tsc,
    join(root, "lib", "express", "viewer", "static-dir.ts"),
    "--outDir", build,
    "--module", module,
    "--moduleResolution", resolution,
    "--target", "ES2022",
    "--types", "node",
    "--skipLibCheck",
  ]);
  writeFileSync(join(build, "package.json"), JSON.stringify({ type }));
  cpSync(join(root, "lib", "express", "viewer", "static"), join(build, "static"), { recursive: true });
  const file = join(build, "static-dir.js");
  const script =
    type === "module"
      ? `import(${JSON.stringify("file://" + file)}).then((m) => console.log(m.staticDir()))`
      : `console.log(require(${JSON.stringify(file)}).staticDir())`;
  const found = execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim();
  expect(found).toBe(join(build, "static"));
});

test("a build without the static folder says what is missing", () => {
  const build = join(out, "cjs");
  rmSync(join(build, "static"), { recursive: true, force: true });
  expect(() => execFileSync(process.execPath, ["-e", `require(${JSON.stringify(join(build, "static-dir.js"))}).staticDir()`], { encoding: "utf8", stdio: "pipe" })).toThrow(
    /the run viewer's page files are missing from .*static/,
  );
});
