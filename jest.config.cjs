/**
 * Jest runs the TypeScript sources through ts-jest (types are checked by `tsc` in `npm test`).
 * Projects run the same tests against each version callbus claims to support: Express 5 and 4
 * (`express4`, an npm alias) for the Express tests, the newest and the oldest @langchain/core
 * 1.x (`langchain-core-oldest`) for the LangChain.js interop tests. `globals.callbusMatrix`
 * tells __tests__/core/matrix.test.ts which versions a project must have loaded.
 */
const base = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true, module: "commonjs", moduleResolution: "node10", target: "ES2022", esModuleInterop: true } }],
  },
  moduleNameMapper: {
    "^callbus$": "<rootDir>/lib/index.ts",
    "^callbus/handlers$": "<rootDir>/handlers/index.ts",
    "^callbus/express$": "<rootDir>/lib/express/index.ts",
    "^callbus/redis$": "<rootDir>/lib/redis/index.ts",
    "^callbus/otel$": "<rootDir>/lib/otel/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  // A throwaway redis-server for the callbus/redis tests (or CALLBUS_TEST_REDIS_URL's).
  globalSetup: "<rootDir>/__tests__/setup/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/setup/global-teardown.ts",
};

const EXPRESS_TESTS = ["<rootDir>/__tests__/express/**/*.test.ts", "<rootDir>/__tests__/viewer/**/*.test.ts"];
const LANGCHAIN_TESTS = [
  "<rootDir>/__tests__/langchain/**/*.test.ts",
  "<rootDir>/__tests__/functions/chat-model-fallback.test.ts",
  "<rootDir>/__tests__/functions/custom-events.test.ts",
];
const MATRIX_TEST = "<rootDir>/__tests__/core/matrix.test.ts";

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: "express5-langchain-newest",
      testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
      globals: { callbusMatrix: { express: "5", langchainCore: "1.4" } },
    },
    {
      ...base,
      displayName: "express4",
      testMatch: [...EXPRESS_TESTS, MATRIX_TEST],
      moduleNameMapper: { ...base.moduleNameMapper, "^express(/.*)?$": "express4$1" },
      globals: { callbusMatrix: { express: "4" } },
    },
    {
      ...base,
      displayName: "langchain-oldest",
      testMatch: [...LANGCHAIN_TESTS, MATRIX_TEST],
      moduleNameMapper: { ...base.moduleNameMapper, "^@langchain/core/(.*)$": "langchain-core-oldest/$1" },
      globals: { callbusMatrix: { langchainCore: "1.0.2" } },
    },
  ],
};
