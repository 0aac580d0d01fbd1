/** callbus/handlers: the built-in handlers. */
export { StdOutCallbackHandler } from "./stdout.js";
export { StreamingStdOutCallbackHandler } from "./streaming-stdout.js";
export { FileCallbackHandler, type FileHandlerOptions } from "./file.js";
export { TextCallbackHandler, type TextHandlerOptions } from "./text.js";
export { TEXT_COLORS, coloredText, boldedText, printText, type TextColor } from "./colors.js";
export { UsageMetadataCallbackHandler, addUsage } from "./usage.js";
export { ConsoleCallbackHandler, formatElapsed, type ConsoleHandlerOptions } from "./console.js";
export { RunCollectorCallbackHandler } from "./run-collector.js";
export { BaseTracer, type Run, type RunEventRecord } from "./tracer.js";
