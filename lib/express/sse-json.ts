/**
 * The JSON an SSE stream sends for one payload: the payload's own (the run log's, when it has
 * it), or, when the stream hides keys (`redact`), that of a plain copy without them, the copy
 * the run viewer shows. Streams cache what this returns per payload or entry, so it runs once
 * however many clients read.
 */
import type { RunLogEntry } from "../run-log/run-log.js";
import { eventJson } from "../run-log/json.js";
import { jsonCopy, type RedactedKeys } from "./json-copy.js";

/** The JSON of a payload heard on the bus. */
export function payloadJson(payload: object, redact: RedactedKeys | undefined): string {
  return redact === undefined ? eventJson(payload) : JSON.stringify(jsonCopy(payload, redact));
}

/** The JSON of a run log entry; a `gap` carries no user data and is never redacted. */
export function entryJson(entry: RunLogEntry, redact: RedactedKeys | undefined): string {
  if (redact === undefined || entry.event === "gap") return entry.data ?? eventJson(entry.payload);
  return JSON.stringify(jsonCopy(entry.payload, redact));
}
