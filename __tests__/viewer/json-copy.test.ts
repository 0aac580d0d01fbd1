/** What the viewer keeps of a value: a plain JSON-safe copy, redacted, cut where it would be unbounded. */
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { jsonCopy, redactedKeys, REDACTED } from "../../lib/express/json-copy";

const none = redactedKeys(undefined);

test("errors, bigints, dates, functions, cycles and non-finite numbers become JSON", () => {
  const value: Record<string, unknown> = { error: new RangeError("too far"), big: 12n, when: new Date(0), fn: () => 1, nan: NaN, list: [undefined, 1] };
  value.self = value;
  const copy = jsonCopy(value, none);
  expect(copy).toEqual({ error: { name: "RangeError", message: "too far" }, big: "12", when: "1970-01-01T00:00:00.000Z", nan: "NaN", list: [null, 1], self: "[Circular]" });
  expect(JSON.parse(JSON.stringify(copy))).toEqual(copy);
});

test("a shared object is copied twice, not taken for a cycle; the copy does not follow later changes", () => {
  const shared = { n: 1 };
  const copy = jsonCopy({ a: shared, b: shared }, none);
  shared.n = 2;
  expect(copy).toEqual({ a: { n: 1 }, b: { n: 1 } });
});

test("long strings, long arrays and deep objects are cut with a note", () => {
  let deep: Record<string, unknown> = { end: true };
  for (let i = 0; i < 40; i++) deep = { deep };
  const copy = jsonCopy({ text: "x".repeat(60_000), items: Array.from({ length: 1_500 }, (_, i) => i), deep }, none) as { text: string; items: unknown[]; deep: unknown };
  expect(copy.text).toMatch(/^x{50000}… \(10000 more characters\)$/);
  expect(copy.items).toHaveLength(1_001);
  expect(copy.items[1_000]).toBe("… (500 more items)");
  expect(JSON.stringify(copy.deep)).toContain('"[…]"');
});

test("LangChain.js messages read as type, content, tool calls and usage", () => {
  const ai = new AIMessage({ content: "ok", tool_calls: [{ id: "1", name: "search", args: { q: "x" } }], usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } });
  expect(jsonCopy([new HumanMessage("hi"), ai], none)).toEqual([
    { type: "human", content: "hi" },
    { type: "ai", content: "ok", tool_calls: [expect.objectContaining({ id: "1", name: "search", args: { q: "x" } })], usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } },
  ]);
});

test("redacted keys are hidden at any depth and in any case; a bad list is refused", () => {
  const redact = redactedKeys(["apiKey", "Authorization"]);
  expect(jsonCopy({ apikey: 1, nested: [{ APIKEY: { secret: 2 } }], headers: { authorization: "Bearer x" }, other: 3 }, redact)).toEqual({
    apikey: REDACTED,
    nested: [{ APIKEY: REDACTED }],
    headers: { authorization: REDACTED },
    other: 3,
  });
  expect(() => redactedKeys(["ok", ""])).toThrow(/`redact` as a list of key names/);
});

test("a payload with more values than a copy keeps is cut once, with a note", () => {
  const wide = Array.from({ length: 100 }, (_, i) => Array.from({ length: 1_000 }, (_, j) => `${i}.${j}`));
  const copy = jsonCopy({ wide }, none) as { wide: (string | null)[][] };
  const kept = copy.wide.flat().filter((item) => typeof item === "string" && item !== "[… cut: the value is too big to keep]");
  expect(kept.length).toBeLessThan(20_000);
  expect(kept.length).toBeGreaterThan(19_000);
  expect(JSON.stringify(copy).match(/too big to keep/g)).toHaveLength(1);
});
