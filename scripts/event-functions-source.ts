/**
 * Writes the source of `lib/event-functions.ts` from the event table: one set of plain
 * functions per event. `npm run generate` writes the file; a test checks that the checked-in
 * file is what this writes, so the functions never drift from the table.
 */
import { EVENT_TABLE } from "../lib/event-table.js";

const RUN_FIELDS = ["runId", "parentRunId", "tags", "metadata"];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

type Param = string | { readonly [bag: string]: string };

function checked(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`event table name ${JSON.stringify(name)} is not an identifier`);
  return name;
}

/** The event's own payload fields: those its parameters name, bags included, less the run's. */
function ownFields(params: readonly Param[]): string[] {
  const own = new Set<string>();
  for (const param of params) {
    for (const field of typeof param === "string" ? [param] : Object.values(param)) {
      if (!RUN_FIELDS.includes(field)) own.add(checked(field));
    }
  }
  return [...own];
}

function renderEvent(event: string, row: { method: string; ignore: string | null; alsoIgnoredBy?: string; params: readonly Param[] }): { helpers: string[]; body: string } {
  const payload = `CallbackEvents["${event}"]`;
  const helpers: string[] = [];
  const named = row.params.includes("name");
  const args = row.params.map((param, i) => {
    // A run name callbus derived is the listeners' only: handlers get the name given, if any.
    if (param === "name") return "unnamed === true ? undefined : p.name";
    if (typeof param === "string") return `p.${checked(param)}`;
    const name = `${event}Bag${i}`;
    const lines = Object.keys(param).map((key) => `  if (p.${checked(param[key])} !== undefined) (b ??= {}).${checked(key)} = p.${param[key]};`);
    helpers.push(
      [
        `/** The ${Object.keys(param).join(", ")} argument of ${row.method}: an object of the fields that are set, or undefined. */`,
        `function ${name}(p: ${payload}): Record<string, unknown> | undefined {`,
        "  let b: Record<string, unknown> | undefined;",
        ...lines,
        "  return b;",
        "}",
      ].join("\n"),
    );
    return `${name}(p)`;
  });
  const literal = [...RUN_FIELDS.map((f) => `${f}: run.${f}`), ...ownFields(row.params).map((f) => `${f}: f.${f}`)].join(", ");
  const flags = [row.ignore, row.alsoIgnoredBy].filter((flag): flag is string => typeof flag === "string");
  const ignore = flags.length === 0 ? [] : [`      if (${flags.map((flag) => `h.${checked(flag)} === true`).join(" || ")}) return undefined;`];
  const body = [
    `  ${event}: {`,
    "    methodOf(handler) {",
    `      const h = handler as HandlerFields<"${event}">;`,
    ...ignore,
    `      const m = h.${checked(row.method)};`,
    "      return typeof m === \"function\" ? (m as HandlerMethod) : undefined;",
    "    },",
    `    invoke(m, h, p${named ? ", unnamed" : ""}) {`,
    `      return m.call(h, ${args.join(", ")});`,
    "    },",
    `    args(p${named ? ", unnamed" : ""}) {`,
    `      return [${args.join(", ")}];`,
    "    },",
    "    emitFrom(run, f) {",
    `      const payload: ${payload} = { ${literal} };`,
    "      return run.sendEvent(this, payload);",
    "    },",
    "  },",
  ].join("\n");
  return { helpers, body };
}

/** The whole text of `lib/event-functions.ts`. */
export function renderEventFunctions(): string {
  const helpers: string[] = [];
  const bodies: string[] = [];
  for (const [event, row] of Object.entries(EVENT_TABLE)) {
    const rendered = renderEvent(checked(event), row);
    helpers.push(...rendered.helpers);
    bodies.push(rendered.body);
  }
  return [
    "// Written by `npm run generate` (scripts/event-functions-source.ts) from the event table in",
    "// event-table.ts; do not edit by hand. A test fails when this file and the table disagree.",
    "/**",
    " * The per-event functions: for each event, plain property reads and one object literal, so",
    " * each is type-checked against its payload and V8 caches every access (docs/design.md).",
    " */",
    'import type { CallbackEventName, CallbackEvents } from "./event-table.js";',
    'import type { EventFunctions, HandlerFields, HandlerMethod } from "./event-function-types.js";',
    "",
    ...helpers.flatMap((h) => [h, ""]),
    "/** Event name -> its functions. */",
    "export const EVENT_FUNCTIONS: { readonly [E in CallbackEventName]: EventFunctions<E> } = {",
    ...bodies,
    "};",
    "",
  ].join("\n");
}
