/**
 * Compiled per-event functions, made once per event row at load time: `emitFrom` builds an
 * event's payload and sends it through its run, `methodOf` finds a handler's method, `invoke`
 * calls it with the event's positional arguments.
 *
 * A generic loop over a row's parameters reads each field with a keyed load (`payload[name]`
 * with a changing name) and needs an argument array for `apply`; on the hot path that costs more
 * than the rest of a dispatch. The compiled functions use plain property loads (`p.token, p.idx,
 * …`) that V8 caches per payload shape, and every payload of an event is built by one object
 * literal, so all of them share one shape.
 *
 * The source of each function is built only from the event table's own identifiers (checked
 * below), never from user input. Where the host forbids code generation (`node
 * --disallow-code-generation-from-strings`), the same functions are made as generic closures:
 * slower, the same behaviour.
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
type BuildPayload = (run: RunFields, fields: object) => object;

const RUN_FIELDS: readonly string[] = ["runId", "parentRunId", "tags", "metadata"];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function checked(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`callbus: event table name ${JSON.stringify(name)} is not an identifier`);
  return name;
}

/** Reads a row's positional arguments out of a payload: a field, or a bag of the fields that are set. */
export function readArgs(params: InvokeRow["params"], payload: object): unknown[] {
  const fields = payload as Record<string, unknown>;
  const args = new Array<unknown>(params.length);
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (typeof p === "string") {
      args[i] = fields[p];
      continue;
    }
    let bag: Record<string, unknown> | undefined;
    for (const key in p) {
      const value = fields[p[key]];
      if (value !== undefined) (bag ??= {})[key] = value;
    }
    args[i] = bag;
  }
  return args;
}

/** `new Function(...source)`, or `generic` where the host does not allow code generation. */
function compiled<F>(generic: F, ...source: string[]): F {
  try {
    return new Function(...source) as F;
  } catch (error) {
    if (error instanceof EvalError) return generic;
    throw error;
  }
}

/** `handler => handler.ignoreX === true ? undefined : handler.handleX` (a non-function is undefined). */
export function compileMethodOf(row: InvokeRow): MethodOf {
  const { method, ignore } = row;
  const generic: MethodOf = (h) => {
    const fields = h as Record<string, unknown>;
    if (ignore !== null && fields[ignore] === true) return undefined;
    const m = fields[method];
    return typeof m === "function" ? (m as (...args: unknown[]) => unknown) : undefined;
  };
  const ignored = ignore === null ? "" : `if (h.${checked(ignore)} === true) return undefined;\n`;
  return compiled(generic, "h", `"use strict";\n${ignored}const m = h.${checked(method)};\nreturn typeof m === "function" ? m : undefined;`);
}

/**
 * `(method, handler, p) => method.call(handler, p.a, p.b, …)`. A bag parameter (LangChain's
 * `fields` / `kwargs` objects) is an object of the fields that are set, or undefined when none is.
 */
export function compileInvoke(row: InvokeRow): Invoke {
  const generic: Invoke = (m, h, p) => m.apply(h, readArgs(row.params, p));
  const helpers: string[] = [];
  const args = row.params.map((param, i) => {
    if (typeof param === "string") return `p.${checked(param)}`;
    const keys = Object.keys(param).map((key) => [checked(key), checked(param[key])] as const);
    const body = keys.map(([key, field]) => `if (p.${field} !== undefined) (b ??= {}).${key} = p.${field};`).join("\n");
    helpers.push(`function bag${i}(p) {\nlet b;\n${body}\nreturn b;\n}`);
    return `bag${i}(p)`;
  });
  const make = compiled<(() => Invoke) | undefined>(
    undefined,
    `"use strict";\n${helpers.join("\n")}\nreturn function invoke(m, h, p) {\nreturn m.call(h, ${args.join(", ")});\n};`,
  );
  return make === undefined ? generic : make();
}

/** The event's own payload fields: those its parameters name, bags included, less the run's. */
function ownFields(row: InvokeRow): string[] {
  const own = new Set<string>();
  for (const param of row.params) {
    for (const field of typeof param === "string" ? [param] : Object.values(param)) {
      if (!RUN_FIELDS.includes(field)) own.add(checked(field));
    }
  }
  return [...own];
}

/** The source of the payload literal: `{ runId: run.runId, …, token: f.token, … }`. */
function payloadLiteral(own: readonly string[]): string {
  return `{ ${[...RUN_FIELDS.map((field) => `${field}: run.${field}`), ...own.map((field) => `${field}: f.${field}`)].join(", ")} }`;
}

/** `(run, f) => ({ runId: run.runId, parentRunId: …, tags: …, metadata: …, token: f.token, … })`. */
function compilePayload(row: InvokeRow): BuildPayload {
  const own = ownFields(row);
  const generic: BuildPayload = (run, f) => {
    const payload: Record<string, unknown> = { runId: run.runId, parentRunId: run.parentRunId, tags: run.tags, metadata: run.metadata };
    for (const field of own) payload[field] = (f as Record<string, unknown>)[field];
    return payload;
  };
  return compiled(generic, "run", "f", `"use strict";\nreturn ${payloadLiteral(own)};`);
}

/** A run manager as `emitFrom` sees it: the run's fields, and where the built payload goes. */
export interface EventSender<I, R = unknown> extends RunFields {
  sendEvent(info: I, payload: object): R;
}

/** Builds an event's payload from a run and the event's own fields, and hands it to the run. */
export type EmitFrom<I> = (run: EventSender<I>, fields: object) => unknown;

/**
 * `(run, f) => run.sendEvent(info, { runId: run.runId, …, token: f.token, … })`. Each run manager
 * method calls its own event's function, so V8 inlines it there and the object of own fields
 * the method passes is never made: the payload is the one object built.
 */
export function compileEmitFrom<I>(row: InvokeRow, info: I): EmitFrom<I> {
  const build = compilePayload(row);
  const generic: EmitFrom<I> = (run, f) => run.sendEvent(info, build(run, f));
  const make = compiled<((info: I) => EmitFrom<I>) | undefined>(
    undefined,
    "info",
    `"use strict";\nreturn function emitFrom(run, f) {\nreturn run.sendEvent(info, ${payloadLiteral(ownFields(row))});\n};`,
  );
  return make === undefined ? generic : make(info);
}
