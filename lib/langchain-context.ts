/**
 * LangChain.js's configure hooks, reached without depending on `@langchain/core`: when the
 * application has it, `@langchain/core/context` is loaded (as `import()` from callbus's ESM
 * build, `require` from its CommonJS build, so the same copy as the application's) and its own
 * `registerConfigureHook` / `setContextVariable` are used; the hooks list sits behind a private
 * symbol of that module, so nothing else can reach it. Without `@langchain/core`, nothing happens.
 */

/** The part of `@langchain/core/context` callbus uses. */
export interface LangChainContext {
  registerConfigureHook(hook: { contextVar: string; inheritable?: boolean }): void;
  setContextVariable(name: string, value: unknown): void;
}

// A variable, so that neither TypeScript nor a bundler takes @langchain/core for a dependency.
const CONTEXT_MODULE = "@langchain/core/context";

let loaded: Promise<LangChainContext | undefined> | undefined;

function isLangChainContext(module: unknown): module is LangChainContext {
  const m = module as Partial<LangChainContext> | null;
  return typeof m?.registerConfigureHook === "function" && typeof m.setContextVariable === "function";
}

/** `@langchain/core/context` when the application has it (looked up once), else undefined. */
export function langChainContext(): Promise<LangChainContext | undefined> {
  loaded ??= import(CONTEXT_MODULE).then(
    (module: unknown) => (isLangChainContext(module) ? module : undefined),
    () => undefined,
  );
  return loaded;
}
