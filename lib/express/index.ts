/**
 * callbus/express: per-request callback managers and live run events over Server-Sent Events.
 * Express is an optional peer dependency; nothing here needs it at run time.
 */
export { callbus, type CallbusMiddleware, type CallbusMiddlewareOptions } from "./middleware.js";
export { DEFAULT_REQUEST_ID_HEADER, MAX_REQUEST_ID_LENGTH } from "./request-id.js";
export { sse, MAX_RUN_ID_LENGTH, type SseHandler, type SseOptions, type SseRequest } from "./sse.js";
export type { SseCloseReason, SseStreamSummary } from "./sse-connection.js";
export type { SseBufferLimits, SseWriterStats } from "./sse-writer.js";
export { safeJson, type UnserializablePayload } from "./serialize.js";
export type { ErrorBody } from "./respond.js";
export { viewer, DEFAULT_LIST_LIMIT, REDACTED, type ViewerOptions, type ViewerRouter, type RunKind, type RunNode, type RunStatus, type RunSummary, type TokenUsage, type TraceView, type ViewerEvent } from "./viewer/index.js";
