import { ChurnMap } from "../../lib/churn-map";

describe("ChurnMap", () => {
  it("behaves as a Map, insertion order included, across the moves to a new Map", () => {
    const churn = new ChurnMap<string, number>();
    const model = new Map<string, number>();
    // Enough insertions, with entries coming and going, for many renewals at several sizes.
    for (let i = 0; i < 20_000; i++) {
      const key = `k${i % 1_500}`;
      if (i % 3 === 0 && model.has(key)) {
        expect(churn.delete(key)).toBe(model.delete(key));
      } else {
        churn.set(key, i);
        model.set(key, i);
      }
      if (i % 997 === 0) {
        expect([...churn]).toEqual([...model]);
        expect(churn.size).toBe(model.size);
      }
    }
    expect([...churn]).toEqual([...model]);
    expect([...churn.values()]).toEqual([...model.values()]);
    for (const [key, value] of model) {
      expect(churn.has(key)).toBe(true);
      expect(churn.get(key)).toBe(value);
    }
    expect(churn.get("missing")).toBeUndefined();
    expect(churn.delete("missing")).toBe(false);
  });
});
