import { nanoid } from "nanoid";
import { ENDED_MEMORY, EndedRuns, fingerprint } from "../../lib/ended-runs";

describe("the memory of ended runs", () => {
  test("remembers exactly the last ENDED_MEMORY ends, asked now and then or not at all", () => {
    for (const askEvery of [1, 7, 5_000, Infinity]) {
      const ended = new EndedRuns();
      const total = ENDED_MEMORY * 3 + 17;
      for (let i = 0; i < total; i++) {
        ended.add(`run-${i}`);
        if (i % askEvery === 0) expect(ended.has(`run-${i}`)).toBe(true);
      }
      expect(ended.has(`run-${total - ENDED_MEMORY}`)).toBe(true);
      expect(ended.has(`run-${total - ENDED_MEMORY - 1}`)).toBe(false);
      expect(ended.has(`run-0`)).toBe(false);
      expect(ended.has("never-ended")).toBe(false);
    }
  });

  test("an id that ends again is remembered from its latest end", () => {
    const ended = new EndedRuns();
    ended.add("again");
    expect(ended.has("again")).toBe(true);
    for (let i = 0; i < ENDED_MEMORY - 1; i++) ended.add(`filler-${i}`);
    ended.add("again");
    for (let i = 0; i < ENDED_MEMORY - 1; i++) ended.add(`more-${i}`);
    expect(ended.has("again")).toBe(true);
    ended.add("last");
    expect(ended.has("again")).toBe(false);
  });

  test("fingerprints tell apart ids that differ in one character, in order, or in length", () => {
    const ids = ["", "a", "b", "ab", "ba", "a\u0000", "run-1", "run-01", "run-10", "\u{1F600}", "\uD83D"];
    for (let i = 0; i < 100_000; i++) ids.push(`run-${i}`, nanoid(), `${i}`.padStart(21, "0"));
    const seen = new Map<number, string>();
    for (const id of ids) {
      const print = fingerprint(id);
      if (!Number.isSafeInteger(print) || print < 0) throw new Error(`${JSON.stringify(id)} has the fingerprint ${print}, not a whole number from 0 to 2^53`);
      const earlier = seen.get(print);
      if (earlier !== undefined && earlier !== id) throw new Error(`${JSON.stringify(id)} and ${JSON.stringify(earlier)} share a fingerprint`);
      seen.set(print, id);
    }
    expect(seen.size).toBe(new Set(ids).size);
  });
});
