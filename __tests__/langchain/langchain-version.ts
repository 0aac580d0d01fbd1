/**
 * Which @langchain/core the interop tests run against (jest.config.cjs runs them against the
 * oldest and the newest 1.x callbus supports). Where the two behave differently, a test asserts
 * what each one really does.
 */
const { version } = jest.requireActual<{ version: string }>("@langchain/core/package.json");

/** The @langchain/core version loaded. */
export const langchainCoreVersion = version;

/**
 * True on @langchain/core 1.0.2, the oldest supported: it has no content-block stream events
 * or tool stream events, does not pass `extra` to its tracers' chain starts, and hands its
 * tracers a tool's input as JSON text.
 */
export const isOldestLangChain = version === "1.0.2";
