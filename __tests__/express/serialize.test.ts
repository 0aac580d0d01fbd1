import { safeJson } from "callbus/express";

test("errors become { name, message }, BigInts strings, cycles a marker, and shared objects stay whole", () => {
  class ToolFailure extends Error {
    override name = "ToolFailure";
    secret = "not sent";
  }
  const shared = { n: 1 };
  const value: Record<string, unknown> = { error: new ToolFailure("no such tool"), big: 2n ** 70n, a: shared, b: [shared, shared] };
  value.loop = { back: value };
  expect(JSON.parse(safeJson(value))).toEqual({
    error: { name: "ToolFailure", message: "no such tool" },
    big: "1180591620717411303424",
    a: { n: 1 },
    b: [{ n: 1 }, { n: 1 }],
    loop: { back: "[Circular]" },
  });
});

test("an error inside a cycle, toJSON results and top-level odd values are handled", () => {
  const error = new Error("outer") as Error & { context?: unknown };
  const holder = { error, when: new Date(0) };
  error.context = holder;
  expect(JSON.parse(safeJson(holder))).toEqual({ error: { name: "Error", message: "outer" }, when: "1970-01-01T00:00:00.000Z" });
  expect(safeJson(undefined)).toBe("null");
  expect(safeJson(5n)).toBe('"5"');
  expect(safeJson("a\nb")).toBe('"a\\nb"');
});

test("a payload that cannot be serialised at all becomes a note, never a throw", () => {
  const hostile = {
    get boom(): string {
      throw new Error("getter exploded");
    },
  };
  expect(JSON.parse(safeJson(hostile))).toEqual({ unserializable: "callbus: the payload could not be serialised: getter exploded" });
});

test("the output is always one line, whatever the strings hold", () => {
  expect(safeJson({ text: "line 1\r\nline 2\n\ndata: injected" })).not.toMatch(/[\r\n]/);
});
