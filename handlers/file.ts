/** `FileCallbackHandler`: the stdout handler's text, without bold codes, appended to a file. */
import { closeSync, createWriteStream, openSync, type WriteStream } from "node:fs";
import { TextCallbackHandler, type TextHandlerOptions } from "./text.js";

/** Options of `FileCallbackHandler`. */
export interface FileHandlerOptions extends TextHandlerOptions {
  /** `"a"` appends to the file (the default), `"w"` truncates it first. */
  mode?: "a" | "w";
}

/**
 * Writes what LangChain Python's `FileCallbackHandler` writes (the stdout handler's text
 * without bold codes) to a UTF-8 file. The file is opened in the constructor, so a bad path
 * fails there; writes are queued in order and never block; `close()` (or `await using`)
 * resolves once everything written so far is on disk.
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
  readonly filename: string;
  readonly mode: "a" | "w";
  private readonly stream: WriteStream;
  private closing: Promise<void> | undefined;
  private failure: Error | undefined;

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
    let fd: number;
    try {
      // Opened synchronously, once, so that a path that cannot be written fails here.
      fd = openSync(filename, mode);
    } catch (error) {
      throw new Error(`callbus: FileCallbackHandler cannot open ${filename}: ${(error as Error).message}`, { cause: error });
    }
    try {
      this.stream = createWriteStream(filename, { fd, encoding: "utf8" });
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    // A failed write must not crash the process: it is kept and reported by the next write and by close().
    this.stream.on("error", (error) => {
      this.failure ??= new Error(`callbus: FileCallbackHandler could not write to ${filename}: ${error.message}`, { cause: error });
    });
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  protected write(text: string): void {
    if (this.closing !== undefined) {
      throw new Error(`callbus: FileCallbackHandler for ${this.filename} is closed; nothing can be written after close()`);
    }
    if (this.failure !== undefined) throw this.failure;
    // The stream queues writes in order; its buffer is flushed by close().
    this.stream.write(text);
  }

  /**
   * Flushes everything written so far and closes the file. Calling it again returns the same
   * promise. Rejects if a write failed.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      const settle = (): void => (this.failure === undefined ? resolve() : reject(this.failure));
      // A stream that failed is already destroyed and will not emit "close" again.
      if (this.stream.closed) return settle();
      this.stream.once("close", settle);
      this.stream.end();
    });
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
