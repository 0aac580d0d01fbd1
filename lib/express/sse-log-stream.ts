/**
 * One client's stream of one run read from a run log: the run's history (or what follows the
 * client's `Last-Event-ID`), then its live events, each with the log's id as the SSE id; it
 * ends after the run's end. The log is the buffer: the stream pulls the next entry only once
 * the client has taken the last one, so a slow client costs no memory here, only a position.
 */
import type { ServerResponse } from "node:http";
import type { RunLog, RunLogEntry } from "../run-log/run-log.js";
import type { RedactedKeys } from "./json-copy.js";
import { sendError } from "./respond.js";
import { entryJson } from "./sse-json.js";
import type { SseCloseReason, SseConnectionSettings, SseStreamSummary } from "./sse-connection.js";
import { openSseStream, type SseWriter } from "./sse-writer.js";

export class SseLogStream {
  private writer: SseWriter | undefined;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private reason: SseCloseReason = "client-closed";
  private done = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly res: ServerResponse,
    private readonly runId: string,
    private readonly log: RunLog,
    private readonly settings: SseConnectionSettings,
    /** The last id the client saw (`Last-Event-ID`). */
    private readonly after: string | undefined,
    private readonly onDone: (summary: SseStreamSummary) => void,
  ) {}

  /** Streams at once when the log has the run, else waits up to `startTimeoutMs` for it. */
  start(known: boolean): void {
    this.res.on("close", this.cleanup);
    this.res.on("error", this.cleanup);
    let entries: AsyncIterable<RunLogEntry>;
    try {
      entries = this.log.read(this.runId, { after: this.after, signal: this.abort.signal });
    } catch (error) {
      // The log refused the id (a `Last-Event-ID` of another log's format).
      this.fail(error);
      return;
    }
    if (known) this.open();
    else this.startTimer = setTimeout(() => this.notStarted(), this.settings.startTimeoutMs);
    void this.pump(entries);
  }

  private async pump(entries: AsyncIterable<RunLogEntry>): Promise<void> {
    try {
      for await (const entry of entries) {
        if (this.done) return;
        const writer = this.writer ?? this.open();
        let text = this.settings.frames.get(entry);
        if (text === undefined) this.settings.frames.set(entry, (text = frame(entry, this.settings.redact)));
        writer.send(text, false);
        if (writer.isClosed) return;
        if (writer.isBlocked) await writer.drained();
        if (this.done) return;
      }
      // Closed, or answered 404 by the start timer (which ended the read).
      if (this.done || this.reason === "not-started") return;
      if (this.writer === undefined) {
        sendError(this.res, 410, `callbus: run ${JSON.stringify(this.runId)} is no longer in the run log`);
        return;
      }
      this.reason = "run-ended";
      this.writer.end();
    } catch (error) {
      if (this.done || this.reason === "not-started") return;
      this.fail(error);
    }
  }

  /** The log failed: an error answer if nothing was sent yet (400 for a bad id), else the stream is cut. */
  private fail(error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    if (this.writer === undefined) {
      sendError(this.res, error instanceof TypeError ? 400 : 500, why.startsWith("callbus:") ? why : `callbus: the run log failed: ${why}`);
    } else {
      this.reason = "log-error";
      this.res.destroy();
    }
  }

  private open(): SseWriter {
    clearTimeout(this.startTimer);
    this.writer = openSseStream(this.res, this.settings, `: run ${this.runId}\n\n`, (why) => {
      this.reason = why;
    });
    return this.writer;
  }

  private notStarted(): void {
    this.reason = "not-started";
    this.abort.abort();
    sendError(this.res, 404, `callbus: run ${JSON.stringify(this.runId)} is not running and did not start within ${this.settings.startTimeoutMs} ms`);
  }

  private readonly cleanup = (): void => {
    if (this.done) return;
    this.done = true;
    this.abort.abort();
    clearTimeout(this.startTimer);
    if (this.reason === "run-ended" && (this.writer?.buffered ?? 0) > 0) this.reason = "client-closed";
    this.writer?.close();
    this.res.off("close", this.cleanup);
    this.res.off("error", this.cleanup);
    const stats = this.writer?.stats ?? { sent: 0, dropped: 0, peakBufferedEvents: 0, peakBufferedBytes: 0 };
    this.onDone({ runId: this.runId, reason: this.reason, ...stats });
  };
}

/** One SSE frame: the log id, the event name and the payload's JSON (the log's, when it has it and nothing is hidden). */
function frame(entry: RunLogEntry, redact: RedactedKeys | undefined): string {
  return `id: ${entry.id}\nevent: ${entry.event}\ndata: ${entryJson(entry, redact)}\n\n`;
}
