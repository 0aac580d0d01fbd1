/** Jest runs the TypeScript sources through ts-jest (types are checked by `tsc` in `npm test`). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
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
  testTimeout: 60000,
};
