import { ENDED_MEMORY, EndedRuns } from "../../lib/ended-runs";

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
});
