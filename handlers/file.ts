/** `FileCallbackHandler`: the stdout handler's text, without bold codes, appended to a file. */
import { closeSync, openSync, writeSync } from "node:fs";
import { TextCallbackHandler, type TextHandlerOptions } from "./text.js";

/** Options of `FileCallbackHandler`. */
export interface FileHandlerOptions extends TextHandlerOptions {
  /** `"a"` appends to the file (the default), `"w"` truncates it first. */
  mode?: "a" | "w";
}

/**
 * Writes what LangChain Python's `FileCallbackHandler` writes (the stdout handler's text
 * without bold codes, tool outputs uncoloured) to a UTF-8 file. The file is opened in the
 * constructor, so a bad path fails there. Each handler call makes one synchronous write, so
 * what a call reported is in the file when the call returns, and a process that exits
 * abruptly (`process.exit`, an uncaught error, a signal) loses nothing already reported, as
 * Python's handler flushes every write. `close()` (or `await using`) closes the file.
 *
 * @example
 * ```ts
 * await using file = new FileCallbackHandler("run.log", { mode: "w" });
 * const manager = CallbackManager.configure([file]);
 * ```
 */
export class FileCallbackHandler extends TextCallbackHandler implements AsyncDisposable {
  name = "file_callback_handler";
  protected readonly boldTitles = false;
  protected readonly colorToolOutput = false;
  protected readonly keepEmptyRunName = false;
  readonly filename: string;
  readonly mode: "a" | "w";
  /** The open file, or undefined once closed. */
  private fd: number | undefined;
  private closing: Promise<void> | undefined;

  constructor(filename: string, options: FileHandlerOptions = {}) {
    super(options);
    if (typeof filename !== "string" || filename === "") {
      throw new TypeError(`callbus: FileCallbackHandler needs a file name, got ${filename === "" ? "an empty string" : typeof filename}`);
    }
    const mode = options.mode ?? "a";
    if (mode !== "a" && mode !== "w") {
      throw new TypeError(`callbus: FileCallbackHandler mode must be "a" or "w", got ${JSON.stringify(mode)}`);
    }
    this.filename = filename;
    this.mode = mode;
    try {
      this.fd = openSync(filename, mode);
    } catch (error) {
      throw new Error(`callbus: FileCallbackHandler cannot open ${filename}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  protected write(text: string): void {
    if (this.fd === undefined) {
      throw new Error(`callbus: FileCallbackHandler for ${this.filename} is closed; nothing can be written after close()`);
    }
    const bytes = Buffer.from(text, "utf8");
    try {
      // A regular file takes the whole buffer in one write; the loop covers a short write (a pipe, a full disk).
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      throw new Error(`callbus: FileCallbackHandler could not write to ${this.filename}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Closes the file; every write already happened, so nothing is left to flush. Calling it
   * again returns the same promise. Rejects if the file cannot be closed.
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      const fd = this.fd;
      this.fd = undefined;
      try {
        if (fd !== undefined) closeSync(fd);
        this.closing = Promise.resolve();
      } catch (error) {
        this.closing = Promise.reject(new Error(`callbus: FileCallbackHandler could not close ${this.filename}: ${(error as Error).message}`, { cause: error }));
      }
    }
    return this.closing;
  }

  /** `await using handler = new FileCallbackHandler(...)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The same handler: copies would share one file, and closing one would close the other. */
  override copy(): this {
    return this;
  }
}
