// `npm run lint` (part of `npm test`): typescript-eslint's strict, type-checked rules over the
// core library, its tests, the bench and the scripts.
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    files: [
      "lib/*.ts",
      "scripts/**/*.ts",
      "bench/**/*.ts",
      "__tests__/core/**/*.ts",
      "__tests__/functions/**/*.ts",
      "__tests__/langchain/**/*.ts",
      "__tests__/types/**/*.ts",
      "lib/express/**/*.ts",
      "lib/run-log/**/*.ts",
      "lib/redis/**/*.ts",
      "handlers/**/*.ts",
      "__tests__/express/**/*.ts",
      "__tests__/viewer/**/*.ts",
      "__tests__/run-log/**/*.ts",
      "__tests__/redis/**/*.ts",
      "__tests__/handlers/**/*.ts",
      "lib/otel/**/*.ts",
      "__tests__/otel/**/*.ts",
      "__tests__/lifetime/**/*.ts",
    ],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Template literals print numbers and booleans in messages on purpose.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      // `void promise` marks a promise deliberately left to settle (the bus tracks it).
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true, ignoreVoidOperator: true }],
      // Rethrowing or rejecting with what was caught keeps the caller's error as it was.
      "@typescript-eslint/only-throw-error": ["error", { allowThrowingUnknown: true }],
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      // Public functions check their arguments at run time for JavaScript callers (a clear
      // error naming the bad value) and read LangChain.js objects defensively, exactly where the
      // types say a check cannot fail; this rule would remove those checks.
      "@typescript-eslint/no-unnecessary-condition": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    // The bench runs against dist/ (bench/tsconfig.json); it is type-checked, and linted, against
    // the sources through the root tsconfig.json, as `npm run typecheck` does.
    files: ["bench/**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: false, project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Tests build handlers and payloads loosely on purpose and read results by index.
    files: ["__tests__/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-empty-function": "off",
      "@typescript-eslint/unbound-method": "off",
      // LangChain.js's `callbacks` type names its handler class; a callbus handler is a plain
      // object that meets it structurally, which is the point of the interop tests.
      "@typescript-eslint/no-unsafe-class-instance-assignment": "off",
      // Type tests state exact types such as `void` and compare results of void calls.
      "@typescript-eslint/no-invalid-void-type": "off",
      "@typescript-eslint/no-confusing-void-expression": "off",
      "@typescript-eslint/no-meaningless-void-operator": "off",
    },
  },
);
