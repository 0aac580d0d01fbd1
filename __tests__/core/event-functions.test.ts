/**
 * The per-event functions in lib/event-functions.ts are written out from the event table by
 * `npm run generate`; these tests keep the checked-in file and the table in line, and check that
 * each function does what its row says.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ALL_EVENT_NAMES } from "callbus";
import { EVENT_INFO, type EventInfo } from "../../lib/events";
import { renderEventFunctions } from "../../scripts/event-functions-source";

/** A payload with a distinct value in every field a row names (bags' fields included). */
function samplePayload(info: EventInfo): Record<string, unknown> {
  const payload: Record<string, unknown> = { runId: "run", parentRunId: "parent", tags: ["tag"], metadata: { k: "v" } };
  for (const param of info.params) {
    for (const field of typeof param === "string" ? [param] : Object.values(param)) payload[field] ??= `value of ${field}`;
  }
  return payload;
}

/** The row's positional arguments, read the slow and obvious way. */
function expectedArgs(info: EventInfo, payload: Record<string, unknown>): unknown[] {
  return info.params.map((param) =>
    typeof param === "string" ? payload[param] : Object.fromEntries(Object.entries(param).map(([key, field]) => [key, payload[field]])),
  );
}

test("lib/event-functions.ts is what `npm run generate` writes from the event table", () => {
  const checkedIn = readFileSync(join(__dirname, "../../lib/event-functions.ts"), "utf8");
  expect(checkedIn).toBe(renderEventFunctions());
});

describe.each(ALL_EVENT_NAMES)("%s", (event) => {
  const info: EventInfo = EVENT_INFO[event];
  const payload = samplePayload(info);

  test("invoke and args pass the row's parameters in order; a bag is left out when none of its fields is set", () => {
    const calls: unknown[][] = [];
    const method = (...args: unknown[]) => void calls.push(args);
    info.invoke(method, {}, payload);
    expect(calls).toEqual([expectedArgs(info, payload)]);
    expect(info.args(payload)).toEqual(expectedArgs(info, payload));
    const bags = info.params.flatMap((param, i) => (typeof param === "string" ? [] : [[i, Object.values(param)] as const]));
    for (const [i, fields] of bags) {
      const withoutBag = Object.fromEntries(Object.entries(payload).filter(([field]) => !fields.includes(field)));
      expect(info.args(withoutBag)[i]).toBeUndefined();
    }
  });

  test("methodOf finds the row's method, and honours the row's ignore flag", () => {
    const method = () => undefined;
    expect(info.methodOf({ [info.method]: method })).toBe(method);
    expect(info.methodOf({ [info.method]: "not a function" })).toBeUndefined();
    expect(info.methodOf({})).toBeUndefined();
    if (info.ignore !== null) expect(info.methodOf({ [info.method]: method, [info.ignore]: true })).toBeUndefined();
    for (const flag of ["ignoreLLM", "ignoreChain", "ignoreAgent", "ignoreRetriever", "ignoreRetry", "ignoreCustomEvent"]) {
      if (flag !== info.ignore) expect(info.methodOf({ [info.method]: method, [flag]: true })).toBe(method);
    }
  });

  test("emitFrom sends one payload of the run's fields and the event's own fields, through the run", () => {
    const sent: [EventInfo, unknown][] = [];
    const run = { runId: "run", parentRunId: "parent", tags: ["tag"], metadata: { k: "v" }, sendEvent: (i: EventInfo, p: unknown) => sent.push([i, p]) };
    const { runId: _r, parentRunId: _p, tags: _t, metadata: _m, ...own } = payload;
    info.emitFrom(run, own);
    expect(sent).toHaveLength(1);
    expect(sent[0][0]).toBe(info);
    expect(sent[0][1]).toEqual(payload);
  });
});
