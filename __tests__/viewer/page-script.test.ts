/**
 * The page's browser modules are plain JavaScript served as they are; they carry JSDoc types
 * and `// @ts-check`, and this checks them with TypeScript's DOM types, strictly.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const staticDir = join(root, "lib", "express", "viewer", "static");

test("every browser module is type-checked", () => {
  const modules = readdirSync(staticDir).filter((name) => name.endsWith(".js"));
  expect(modules.length).toBeGreaterThan(3);
  for (const name of modules) expect([name, readFileSync(join(staticDir, name), "utf8").startsWith("// @ts-check\n")]).toEqual([name, true]);
  const output = (() => {
    try {
      return execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "lib", "express", "viewer", "tsconfig.page.json")], { encoding: "utf8" });
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? error);
    }
  })();
  expect(output).toBe("");
});
