/**
 * Plain, JSON-safe copies of what runs carry, for the run viewer to keep and for SSE streams
 * that hide keys (`redact`) to send: nothing a user's object does later changes what was
 * recorded, and keys the user asked to hide are gone before anything is kept or sent. Bounded:
 * deep, long or circular values are cut, not copied.
 */

/** What a hidden value is replaced with. */
export const REDACTED = "[redacted]";

const MAX_DEPTH = 24;
const MAX_ITEMS = 1_000;
const MAX_STRING = 50_000;
/** Values copied from one payload at most (objects, arrays and scalars alike); the rest are cut. */
const MAX_VALUES = 20_000;

/** The keys to hide, matched without regard to case. */
export type RedactedKeys = ReadonlySet<string>;

/**
 * Normalises the user's `redact` list (a clear error naming `caller`, e.g. `"viewer()"`, for
 * anything that is not a list of strings).
 */
export function redactedKeys(keys: readonly string[] | undefined, caller = "viewer()"): RedactedKeys {
  if (keys === undefined) return new Set();
  // Checked at run time: JavaScript callers may pass anything.
  if (!isKeyList(keys)) {
    throw new TypeError(`callbus: ${caller} needs \`redact\` as a list of key names, like ["apiKey"], got ${JSON.stringify(keys)}`);
  }
  return new Set(keys.map((key) => key.toLowerCase()));
}

function isKeyList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((key: unknown) => typeof key === "string" && key !== "");
}

/** A JSON-safe copy of `value` with the `redact` keys hidden at every depth. */
export function jsonCopy(value: unknown, redact: RedactedKeys): unknown {
  return copy(value, { redact, ancestors: [], budget: MAX_VALUES });
}

/** One copy's state: the keys to hide, the objects from the top down to here, what may still be copied. */
interface Walk {
  readonly redact: RedactedKeys;
  readonly ancestors: object[];
  budget: number;
}

function copy(value: unknown, walk: Walk): unknown {
  if (--walk.budget < 0) return walk.budget === -1 ? "[… cut: the value is too big to keep]" : undefined;
  switch (typeof value) {
    case "string":
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length - MAX_STRING} more characters)` : value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      // undefined, functions and symbols have no JSON form.
      return undefined;
  }
  if (value === null) return null;
  const { ancestors } = walk;
  if (ancestors.includes(value)) return "[Circular]";
  if (ancestors.length >= MAX_DEPTH) return "[…]";
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ITEMS).map((item) => copy(item, walk) ?? null);
      if (value.length > MAX_ITEMS) items.push(`… (${value.length - MAX_ITEMS} more items)`);
      return items;
    }
    const message = messageFields(value);
    if (message !== undefined) return copyFields(message, walk);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      const json: unknown = toJSON.call(value);
      return json === value ? copyFields(value, walk) : copy(json, walk);
    }
    return copyFields(value, walk);
  } catch (error) {
    // A throwing getter or toJSON: show why instead of failing the whole view.
    return `[unreadable: ${error instanceof Error ? error.message : String(error)}]`;
  } finally {
    ancestors.pop();
  }
}

function copyFields(value: object, walk: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const key of Object.keys(value)) {
    if (++count > MAX_ITEMS) {
      out["…"] = `${Object.keys(value).length - MAX_ITEMS} more keys`;
      break;
    }
    if (walk.redact.has(key.toLowerCase())) {
      out[key] = REDACTED;
      continue;
    }
    const item = copy((value as Record<string, unknown>)[key], walk);
    if (item !== undefined) out[key] = item;
  }
  return out;
}

/**
 * A LangChain.js message as a reader wants it (type, content, tool calls, usage) rather than
 * its serialised constructor form; undefined for anything that is not a message.
 */
function messageFields(value: object): Record<string, unknown> | undefined {
  const message = value as {
    getType?: unknown;
    _getType?: unknown;
    content?: unknown;
    name?: unknown;
    tool_calls?: unknown;
    tool_call_id?: unknown;
    usage_metadata?: unknown;
  };
  const getType = typeof message.getType === "function" ? message.getType : message._getType;
  if (typeof getType !== "function" || !("content" in message)) return undefined;
  const fields: Record<string, unknown> = { type: getType.call(value), content: message.content };
  if (typeof message.name === "string" && message.name !== "") fields.name = message.name;
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) fields.tool_calls = message.tool_calls;
  if (typeof message.tool_call_id === "string") fields.tool_call_id = message.tool_call_id;
  if (message.usage_metadata !== undefined) fields.usage_metadata = message.usage_metadata;
  return fields;
}
