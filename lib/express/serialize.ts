/** Safe JSON for event payloads, shared with the run logs (which serialise each event once). */
export { safeJson, eventJson, type UnserializablePayload } from "../run-log/json.js";
