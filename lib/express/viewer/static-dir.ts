/**
 * Where the page's files are: the `static` folder beside this module, in the sources (tsx,
 * ts-jest) and in both builds (the build copies the folder into dist/esm and dist/cjs).
 * `import.meta` cannot be written in a file that is also compiled to CommonJS, and a global
 * `__dirname` may exist in an ES module's realm without being its own (`node -e` defines one),
 * so the module's own file is read from the call stack: a path in CommonJS, a `file:` URL in
 * an ES module.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder that holds the page's HTML, script and styles. */
export function staticDir(): string {
  const here = dirname(ownFile());
  const dir = join(here, "static");
  if (!existsSync(join(dir, "index.html"))) {
    throw new Error(`callbus: the run viewer's page files are missing from ${dir} (the package was built without them)`);
  }
  return dir;
}

/** This module's file, from the first stack frame (this function's own). */
function ownFile(): string {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved only to be put back as it was, never called here
  const original = Error.prepareStackTrace;
  let file: string | undefined;
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    file = frames[0]?.getFileName() ?? undefined;
  } finally {
    Error.prepareStackTrace = original;
  }
  if (file === undefined || file === "") {
    // No file name on the stack (an unusual loader): CommonJS's own name for the folder.
    if (typeof __dirname === "string") return join(__dirname, "static-dir.js");
    throw new Error("callbus: the run viewer cannot tell where its page files are (no file name on the call stack)");
  }
  return file.startsWith("file:") ? fileURLToPath(file) : file;
}
