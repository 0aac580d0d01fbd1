/** callbus/otel: runs as OpenTelemetry spans and GenAI metrics. Imports only `@opentelemetry/api`. */
export { OpenTelemetryCallbackHandler, type OpenTelemetryCallbackHandlerOptions } from "./handler.js";
export type { ConventionName } from "./convention.js";
