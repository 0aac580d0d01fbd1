/** The run viewer: a page, and the JSON it reads, that the user mounts in their own app. */
export { viewer, DEFAULT_LIST_LIMIT, type ViewerOptions, type ViewerRouter } from "./viewer.js";
export { REDACTED } from "../json-copy.js";
export type { RunKind, RunNode, RunStatus, RunSummary, TokenUsage, TraceView, ViewerEvent } from "./types.js";
