/**
 * The import-cycle check of `npm test` (`depcruise lib handlers`): no value import may close a
 * cycle, so any module can be loaded first. An import used only for types is erased at build
 * time and may point back.
 */
module.exports = {
  forbidden: [
    {
      name: "no-value-cycle",
      severity: "error",
      comment: "A cycle of value imports makes load order decide whether the library works.",
      from: {},
      to: {
        circular: true,
        viaOnly: { dependencyTypesNot: ["type-only"] },
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "(^|/)__tests__/" },
  },
};
