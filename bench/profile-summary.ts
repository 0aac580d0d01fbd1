/**
 * Reads a `.cpuprofile` (from `node --cpu-prof`) and prints where the time went: self time per
 * function and per source file, the inclusive time of callbus's functions, and the hottest
 * lines with their code. Profile a bundle made by esbuild (see bench/profile.ts): its
 * `// lib/x.ts` markers name the source file of every line, and its lines are the code's own.
 *
 *   npx tsx bench/profile-summary.ts bench/.profiles/<file>.cpuprofile [top=25]
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

const [file, topArg = "25"] = process.argv.slice(2);
if (file === undefined) throw new Error("profile-summary: give the path of a .cpuprofile file");
const top = Number(topArg);
if (!Number.isInteger(top) || top < 1) throw new Error(`profile-summary: top must be a positive integer, got ${JSON.stringify(topArg)} (one profile file at a time)`);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

/** Per script url: its lines and, for a bundle, the source file each line came from. */
const scripts = new Map<string, { lines: string[]; sourceOf: (line: number) => string | undefined } | null>();
function script(url: string) {
  if (!scripts.has(url)) {
    const path = url.startsWith("file://") ? fileURLToPath(url) : undefined;
    if (path === undefined || !existsSync(path)) {
      scripts.set(url, null);
    } else {
      const lines = readFileSync(path, "utf8").split("\n");
      const markers: [number, string][] = [];
      lines.forEach((text, i) => {
        const m = /^\/\/ ((?:lib|handlers|bench)\/\S+\.ts)$/.exec(text);
        if (m) markers.push([i + 1, m[1]]);
      });
      const sourceOf = (line: number) => {
        let found: string | undefined;
        for (const [start, name] of markers) if (start <= line) found = name;
        return found;
      };
      scripts.set(url, { lines, sourceOf });
    }
  }
  return scripts.get(url) ?? undefined;
}

const shortUrl = (url: string) => url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "~/");
/** The source file of a frame: the bundle's marker, else the url. */
function sourceFile(url: string, line: number): string {
  return script(url)?.sourceOf(line) ?? (shortUrl(url) || "(native)");
}
const label = (n: ProfileNode) => {
  const line = n.callFrame.lineNumber + 1;
  return `${n.callFrame.functionName || "(anonymous)"}  ${sourceFile(n.callFrame.url, line)}`;
};

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;

const selfByFn = new Map<string, number>();
const selfByFile = new Map<string, number>();
const inclusive = new Map<string, number>();
const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
for (const [id, count] of hits) {
  const node = byId.get(id)!;
  add(selfByFn, label(node), count);
  add(selfByFile, sourceFile(node.callFrame.url, node.callFrame.lineNumber + 1), count);
  // Inclusive: every distinct function on the stack gets the sample once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
    const l = label(byId.get(cur)!);
    if (!seen.has(l)) {
      seen.add(l);
      add(inclusive, l, count);
    }
  }
}

// Hot lines: position ticks are self samples by line (inlined callees show their own lines).
const byLine = new Map<string, number>();
for (const node of profile.nodes) {
  for (const { line, ticks } of node.positionTicks ?? []) {
    const s = script(node.callFrame.url);
    const where = `${sourceFile(node.callFrame.url, line)} (in ${node.callFrame.functionName || "(anonymous)"})`;
    add(byLine, `${where}: ${s?.lines[line - 1]?.trim().slice(0, 110) ?? `line ${line}`}`, ticks);
  }
}

const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
const print = (title: string, map: Map<string, number>, keep: (k: string) => boolean = () => true) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].filter(([k]) => keep(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
};
console.log(`${file}: ${total} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
print("self time by function", selfByFn);
print("self time by file", selfByFile);
print("inclusive time of callbus functions", inclusive, (k) => k.includes(" lib/"));
print("hottest lines (self time)", byLine);
