/**
 * Memory bounds of the lifetime guarantees, measured after gc in a child Node with --expose-gc
 * (fixtures/memory.ts, one scenario per process): hung calls, a never-read iterator, forgotten
 * iterators, over-long run ids, abandoned runs.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";

const MB = 1024 * 1024;

function scenario(name: string): Record<string, number> {
  const fixture = path.join(__dirname, "fixtures", "memory.ts");
  const output = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", fixture, name], {
    cwd: path.join(__dirname, "..", ".."),
    encoding: "utf8",
  });
  return JSON.parse(output) as Record<string, number>;
}

const growth = (r: Record<string, number>) => r.heapAfter - r.heapBefore;

test("50,000 traces with a hung handler call each: all given up, nothing pending, nothing kept", () => {
  const r = scenario("hung");
  expect({ during: r.during, settled: r.settled, timeouts: r.timeouts, pending: r.pending, activeRuns: r.activeRuns }).toEqual({
    during: 50_000,
    settled: 1,
    timeouts: 50_000,
    pending: 0,
    activeRuns: 0,
  });
  // Kept, the calls with their 200-byte inputs would be well over 10 MB.
  expect(growth(r)).toBeLessThan(5 * MB);
});

test("a never-read iterator holds at most maxBuffered items over 200,000 tokens, and nothing once returned", () => {
  const r = scenario("unread");
  // 10,000 buffered items of ~700 bytes; all 201,000 would be well over 100 MB.
  expect(growth(r)).toBeLessThan(12 * MB);
  expect(r.heapReturned - r.heapBefore).toBeLessThan(1 * MB);
  expect(r.listenersReturned).toBe(0);
});

test("iterators made and forgotten unread free their listeners when collected", () => {
  const r = scenario("forgotten");
  expect(r.listenersMade).toBe(2_000);
  expect(r.listeners).toBe(0);
});

test("10,000 starts with 10 KB run ids are refused and none is kept, not even as ended", () => {
  const r = scenario("longIds");
  expect(r.refused).toBe(10_000);
  expect(r.activeRuns).toBe(0);
  expect(growth(r)).toBeLessThan(2 * MB);
});

test("30,000 abandoned runs are all ended by the idle expiry and leave nothing behind", () => {
  const r = scenario("abandoned");
  expect({ open: r.open, ends: r.ends, activeRuns: r.activeRuns, pending: r.pending }).toEqual({ open: 30_000, ends: 30_000, activeRuns: 0, pending: 0 });
  expect(growth(r)).toBeLessThan(2 * MB);
});
