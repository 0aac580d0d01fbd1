/**
 * callbus generates no code at run time: where code generation from strings is forbidden
 * (`node --disallow-code-generation-from-strings`, some hardened hosts), every event and every
 * ignore flag behaves as anywhere else. Runs a fixture in a child process with that flag.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { EVENT_NAMES } from "callbus";
import { EVENT_TABLE } from "../../lib/event-table";

const FLAGS = ["ignoreLLM", "ignoreChain", "ignoreAgent", "ignoreRetriever", "ignoreRetry", "ignoreCustomEvent"];

/** What the table says each flag switches off. */
const familyOf = (flag: string) => EVENT_NAMES.filter((event) => EVENT_TABLE[event].ignore === flag);

test("with code generation refused, every event arrives and each ignore flag skips exactly its family", () => {
  const fixture = join(__dirname, "fixtures", "no-code-generation.ts");
  const out = execFileSync(process.execPath, ["--disallow-code-generation-from-strings", "--import", "tsx", fixture], { encoding: "utf8" });
  const { codeGeneration, got } = JSON.parse(out.trim().split("\n").at(-1)!) as { codeGeneration: string; got: Record<string, string[]> };

  expect(codeGeneration).toBe("refused");
  expect(new Set(got.none)).toEqual(new Set(EVENT_NAMES));
  for (const flag of FLAGS) {
    const family = familyOf(flag);
    expect(family.length).toBeGreaterThan(0);
    expect([flag, new Set(got[flag])]).toEqual([flag, new Set(EVENT_NAMES.filter((event) => !family.includes(event)))]);
  }
});
