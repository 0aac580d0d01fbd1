/**
 * Compiled per-event functions: a payload builder and a handler call for each event row. A generic loop over a row's parameters reads
 * each payload field with a keyed load (`payload[name]` with a changing name) and needs an
 * argument array for `apply`; on the hot path that costs more than the rest of a dispatch.
 * So each row's parameter list is turned, once, at load time, into small functions with plain
 * property loads (`p.token, p.idx, …`) that V8 caches per payload shape; and every payload of
 * an event is built by one object literal, so all of them share one shape.
 *
 * The source of each function is built only from the event table's own identifiers (checked
 * below), never from user input.
 */

/** The parts of an event row the compiled functions are built from. */
export interface InvokeRow {
  readonly method: string;
  readonly ignore: string | null;
  readonly params: readonly (string | { readonly [bag: string]: string })[];
}

/** A handler's method for an event, or undefined when it has none or ignores the event. */
export type MethodOf = (handler: object) => ((...args: unknown[]) => unknown) | undefined;

/** Calls `method` on `handler` with the event's positional arguments read from `payload`. */
export type Invoke = (method: (...args: unknown[]) => unknown, handler: object, payload: object) => unknown;

/** The fields every payload takes from its run. */
export interface RunFields {
  readonly runId: string;
  readonly parentRunId?: string;
  readonly tags: string[];
  readonly metadata: Record<string, unknown>;
}

/** Builds an event's payload: the run's fields, then the event's own fields read from `fields`. */
export type BuildPayload = (run: RunFields, fields: object) => object;

const RUN_FIELDS: readonly string[] = ["runId", "parentRunId", "tags", "metadata"];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function checked(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`callbus: event table name ${JSON.stringify(name)} is not an identifier`);
  return name;
}

/** `handler => handler.ignoreX === true ? undefined : handler.handleX` (a non-function is undefined). */
export function compileMethodOf(row: InvokeRow): MethodOf {
  const method = checked(row.method);
  const ignored = row.ignore === null ? "" : `if (h.${checked(row.ignore)} === true) return undefined;\n`;
  return new Function("h", `"use strict";\n${ignored}const m = h.${method};\nreturn typeof m === "function" ? m : undefined;`) as MethodOf;
}

/**
 * `(method, handler, p) => method.call(handler, p.a, p.b, …)`. A bag parameter (LangChain's
 * `fields` / `kwargs` objects) is an object of the fields that are set, or undefined when none is.
 */
export function compileInvoke(row: InvokeRow): Invoke {
  const helpers: string[] = [];
  const args = row.params.map((param, i) => {
    if (typeof param === "string") return `p.${checked(param)}`;
    const keys = Object.keys(param).map((key) => [checked(key), checked(param[key])] as const);
    const body = keys.map(([key, field]) => `if (p.${field} !== undefined) (b ??= {}).${key} = p.${field};`).join("\n");
    helpers.push(`function bag${i}(p) {\nlet b;\n${body}\nreturn b;\n}`);
    return `bag${i}(p)`;
  });
  const source = `"use strict";\n${helpers.join("\n")}\nreturn function invoke(m, h, p) {\nreturn m.call(h, ${args.join(", ")});\n};`;
  return new Function(source)() as Invoke;
}

/**
 * `(run, f) => ({ runId: run.runId, parentRunId: …, tags: …, metadata: …, token: f.token, … })`:
 * the event's own fields are the fields its parameters name, bags included.
 */
export function compilePayload(row: InvokeRow): BuildPayload {
  const own = new Set<string>();
  for (const param of row.params) {
    for (const field of typeof param === "string" ? [param] : Object.values(param)) {
      if (!RUN_FIELDS.includes(field)) own.add(checked(field));
    }
  }
  const entries = [...RUN_FIELDS.map((field) => `${field}: run.${field}`), ...[...own].map((field) => `${field}: f.${field}`)];
  return new Function("run", "f", `"use strict";\nreturn { ${entries.join(", ")} };`) as BuildPayload;
}
