/**
 * One client's stream of one run: it subscribes to the run and its descendants (before the run
 * starts, if need be), answers 200 and streams frames once the run is live, or 404 when it
 * does not start in time; it sends heartbeats, ends after the run ends, and frees its listener,
 * timers and queue the moment the response closes, whichever way it closes.
 */
import type { ServerResponse } from "node:http";
import type { CallbackEventName, CallbackEvents } from "../events.js";
import type { AnyListener } from "../emitter.js";
import type { RunScope } from "../run-scope.js";
import type { RedactedKeys } from "./json-copy.js";
import { sendError } from "./respond.js";
import { payloadJson } from "./sse-json.js";
import { openSseStream, type SseBufferLimits, type SseWriter, type SseWriterStats } from "./sse-writer.js";

/** Why a stream closed. */
export type SseCloseReason =
  /** The run ended (or errored) and the stream ended after its last event. */
  | "run-ended"
  /** The client went away first. */
  | "client-closed"
  /**
   * The client did not keep up and non-droppable events overflowed the buffer, or one frame
   * was larger than `maxBufferedBytes`.
   */
  | "overflow"
  /** The client did not drain what it was sent for `writeTimeoutMs`. */
  | "write-timeout"
  /** The run log failed while the stream read it. */
  | "log-error"
  /** The run did not start within `startTimeoutMs`: answered 404. */
  | "not-started";

/** What one stream did, given to `onClose`. */
export interface SseStreamSummary extends SseWriterStats {
  runId: string;
  reason: SseCloseReason;
}

/** What a connection shares with its handler. */
export interface SseConnectionSettings extends SseBufferLimits {
  readonly heartbeatMs: number;
  readonly startTimeoutMs: number;
  readonly droppable: ReadonlySet<string>;
  /** Keys hidden from every payload sent (lower case); undefined when none are. */
  readonly redact: RedactedKeys | undefined;
  /** Payload -> its JSON, so a payload sent to many clients is serialised (and redacted) once. */
  readonly serialized: WeakMap<object, string>;
  /** Run log entry -> its SSE frame, so an entry sent to many clients is framed once. */
  readonly frames: WeakMap<object, string>;
}

export class SseConnection {
  private writer: SseWriter | undefined;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private reason: SseCloseReason = "client-closed";
  private done = false;
  private readonly listener: AnyListener = (event, payload) => this.receive(event, payload);

  constructor(
    private readonly res: ServerResponse,
    private readonly runId: string,
    private readonly scope: RunScope,
    private readonly settings: SseConnectionSettings,
    /** The last id the client saw (`Last-Event-ID`); numbering goes on from it. */
    private seq: number,
    private readonly onDone: (summary: SseStreamSummary) => void,
  ) {}

  /** Subscribes, then streams at once when the run is live, else waits for it to start. */
  start(live: boolean): void {
    this.res.on("close", this.cleanup);
    this.res.on("error", this.cleanup);
    this.scope.onAny(this.listener);
    // The stream ends when the run is over, which is when its scope is released: not at the
    // first end event of its id (a nested start may reuse a live run's id and end first).
    this.scope.whenReleased(this.runEnded);
    if (live) {
      this.open();
    } else {
      this.startTimer = setTimeout(() => this.notStarted(), this.settings.startTimeoutMs);
    }
  }

  private receive<E extends CallbackEventName>(event: E, payload: CallbackEvents[E]): void {
    if (this.done) return;
    const writer = this.writer ?? this.open();
    let data = this.settings.serialized.get(payload);
    if (data === undefined) {
      data = payloadJson(payload, this.settings.redact);
      this.settings.serialized.set(payload, data);
    }
    writer.send(`id: ${++this.seq}\nevent: ${event}\ndata: ${data}\n\n`, this.settings.droppable.has(event));
  }

  private readonly runEnded = (): void => {
    if (this.done) return;
    const writer = this.writer ?? this.open();
    if (writer.isClosed) return;
    this.reason = "run-ended";
    this.unsubscribe();
    writer.end();
  };

  private open(): SseWriter {
    clearTimeout(this.startTimer);
    const resumed = this.seq > 0 ? `: resumed after event ${this.seq}; events sent while disconnected are not replayed\n\n` : "";
    this.writer = openSseStream(this.res, this.settings, `${resumed}: run ${this.runId}\n\n`, (why) => {
      this.reason = why;
    });
    return this.writer;
  }

  private notStarted(): void {
    this.reason = "not-started";
    this.unsubscribe();
    sendError(
      this.res,
      404,
      `callbus: run ${JSON.stringify(this.runId)} is not running and did not start within ${this.settings.startTimeoutMs} ms`,
    );
  }

  private unsubscribe(): void {
    this.scope.offAny(this.listener);
    this.scope.offReleased(this.runEnded);
  }

  private readonly cleanup = (): void => {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.startTimer);
    this.unsubscribe();
    // Frames still waiting mean the client left before the end reached it.
    if (this.reason === "run-ended" && (this.writer?.buffered ?? 0) > 0) this.reason = "client-closed";
    this.writer?.close();
    this.res.off("close", this.cleanup);
    this.res.off("error", this.cleanup);
    const stats = this.writer?.stats ?? { sent: 0, dropped: 0, peakBufferedEvents: 0, peakBufferedBytes: 0 };
    this.onDone({ runId: this.runId, reason: this.reason, ...stats });
  };
}
