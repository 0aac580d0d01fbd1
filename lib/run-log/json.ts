/**
 * Safe JSON for event payloads: one `JSON.stringify` pass straight to the string that is
 * written (no intermediate copy of the payload), which never throws. Errors become
 * `{ name, message }`, BigInts their decimal string, circular references `"[Circular]"`.
 */

/** What a payload that cannot be serialised at all (a throwing getter or `toJSON`) becomes. */
export interface UnserializablePayload {
  unserializable: string;
}

/**
 * Serialises `value` to one line of JSON. Never throws: a value that still cannot be
 * serialised becomes `{"unserializable": "<why>"}`.
 *
 * @example
 * ```ts
 * const a: Record<string, unknown> = { n: 1n, error: new TypeError("bad") };
 * a.self = a;
 * safeJson(a); // '{"n":"1","error":{"name":"TypeError","message":"bad"},"self":"[Circular]"}'
 * ```
 */
export function safeJson(value: unknown): string {
  // The objects from the root down to the one being serialised: a value found among them is
  // a cycle. (A WeakSet of everything seen would also flag an object merely shared twice.)
  const ancestors: unknown[] = [];
  function replacer(this: unknown, _key: string, item: unknown): unknown {
    // JSON.stringify walks depth-first, so the holder of this key is the innermost ancestor.
    ancestors.length = ancestors.lastIndexOf(this) + 1;
    if (typeof item === "bigint") return item.toString();
    if (item === null || typeof item !== "object") return item;
    if (ancestors.includes(item)) return "[Circular]";
    // The holder of the next keys is what this returns, so that is what goes on the stack.
    const out = item instanceof Error ? { name: item.name, message: item.message } : item;
    ancestors.push(out);
    return out;
  }
  try {
    return JSON.stringify(value, replacer) ?? "null";
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return JSON.stringify({ unserializable: `callbus: the payload could not be serialised: ${why}` } satisfies UnserializablePayload);
  }
}

/**
 * The JSON of one event payload, as SSE streams and run logs send and keep it: the engine's own
 * `JSON.stringify` (no replacer, the fast path) unless the payload carries an `error` or cannot
 * be serialised that way (a cycle, a BigInt), in which case `safeJson`. An `Error` nested in
 * user data on the fast path becomes what `JSON.stringify` makes of it (its own enumerable fields).
 */
export function eventJson(payload: object): string {
  if (!("error" in payload)) {
    try {
      return JSON.stringify(payload);
    } catch {
      // A cycle or a BigInt: the safe path below names or converts them.
    }
  }
  return safeJson(payload);
}
