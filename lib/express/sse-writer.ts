/**
 * Writes Server-Sent Events frames to a response and follows its backpressure: while
 * `write()` says the client is not keeping up, frames wait in a bounded queue until 'drain'.
 * When the queue is over its limits the oldest droppable frame goes first (per-token
 * events, whose text `llmEnd` repeats); when only non-droppable frames are left over the
 * limits, the stream is closed rather than grow. A frame larger than `maxBufferedBytes` is
 * never written (it alone would pass the bound), and a client that has not drained for
 * `writeTimeoutMs` is cut.
 */
import type { ServerResponse } from "node:http";

/** The bounds of the queue of frames waiting for a slow client. */
export interface SseBufferLimits {
  /** Most frames held while the client is not reading. */
  readonly maxBufferedEvents: number;
  /** Most bytes (UTF-8) held while the client is not reading; also the largest frame sent. */
  readonly maxBufferedBytes: number;
  /** How long the client may go without draining before the stream is cut; 0 = never. */
  readonly writeTimeoutMs: number;
}

/** Why a writer gave up on its client. */
export type SseWriterFailure = "overflow" | "write-timeout";

/** What a writer did, for logs and tests. */
export interface SseWriterStats {
  /** Frames handed to the response. */
  sent: number;
  /** Droppable frames dropped because the client did not keep up. */
  dropped: number;
  /** The most frames and bytes ever held at once (never above the limits). */
  peakBufferedEvents: number;
  peakBufferedBytes: number;
}

interface Frame {
  readonly text: string;
  readonly bytes: number;
  readonly droppable: boolean;
}

/** The headers of every event stream. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // Tells nginx-style proxies not to buffer the stream.
  "x-accel-buffering": "no",
};

/**
 * Answers 200 with the event-stream headers and sends `preamble` (SSE comments) at once, so the
 * client knows it is subscribed; returns the stream's writer, which sends a heartbeat comment
 * every `heartbeatMs` (0: none) until the stream ends or closes.
 */
export function openSseStream(
  res: ServerResponse,
  settings: SseBufferLimits & { readonly heartbeatMs: number },
  preamble: string,
  onFailure: (why: SseWriterFailure) => void,
): SseWriter {
  res.writeHead(200, SSE_HEADERS);
  res.write(preamble);
  const writer = new SseWriter(res, settings, onFailure);
  if (settings.heartbeatMs > 0) writer.beat(settings.heartbeatMs);
  return writer;
}

export class SseWriter {
  readonly stats: SseWriterStats = { sent: 0, dropped: 0, peakBufferedEvents: 0, peakBufferedBytes: 0 };
  private queue: Frame[] = [];
  private queuedBytes = 0;
  private blocked = false;
  private ending = false;
  private closed = false;
  private stalled: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private drainWaiters: (() => void)[] = [];
  private readonly onDrain = () => this.drain();

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: SseBufferLimits,
    /** Called once when the writer cut the stream: frames overflowed, or the client stalled. */
    private readonly onFailure: (why: SseWriterFailure) => void,
  ) {}

  /** Frames waiting for the client right now. */
  get buffered(): number {
    return this.queue.length;
  }

  /** True while the client is not taking what was written. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  /** True once the writer stopped writing (ended, closed or cut). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves when the client drained what it was sent, or the writer closed. */
  drained(): Promise<void> {
    if (!this.blocked || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Writes a frame now, or queues it while the client is not reading. */
  send(text: string, droppable: boolean): void {
    if (this.closed || this.ending) return;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: only long frames need counting.
    if (text.length * 3 > this.limits.maxBufferedBytes && Buffer.byteLength(text) > this.limits.maxBufferedBytes) {
      this.fail("overflow");
      return;
    }
    if (!this.blocked) {
      this.write(text);
      return;
    }
    this.queue.push({ text, bytes: Buffer.byteLength(text), droppable });
    this.queuedBytes += this.queue[this.queue.length - 1].bytes;
    while (this.queue.length > this.limits.maxBufferedEvents || this.queuedBytes > this.limits.maxBufferedBytes) {
      const oldest = this.queue.findIndex((frame) => frame.droppable);
      if (oldest === -1) {
        this.fail("overflow");
        return;
      }
      this.queuedBytes -= this.queue[oldest].bytes;
      this.queue.splice(oldest, 1);
      this.stats.dropped++;
    }
    if (this.queue.length > this.stats.peakBufferedEvents) this.stats.peakBufferedEvents = this.queue.length;
    if (this.queuedBytes > this.stats.peakBufferedBytes) this.stats.peakBufferedBytes = this.queuedBytes;
  }

  /** Writes an SSE comment (a heartbeat) unless frames are waiting: a busy stream needs none. */
  comment(text: string): void {
    if (this.closed || this.ending || this.blocked) return;
    if (!this.res.write(`: ${text}\n\n`)) this.block();
  }

  /** Ends the response once every queued frame is written. */
  end(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    if (!this.blocked) this.finish();
  }

  /** Stops writing and lets the queue go (the client left). */
  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.queue = [];
    this.queuedBytes = 0;
    clearTimeout(this.stalled);
    this.res.off("drain", this.onDrain);
    this.release();
  }

  private write(text: string): void {
    this.stats.sent++;
    if (!this.res.write(text)) this.block();
  }

  private block(): void {
    this.blocked = true;
    this.res.once("drain", this.onDrain);
    if (this.limits.writeTimeoutMs > 0) {
      this.stalled = setTimeout(() => this.fail("write-timeout"), this.limits.writeTimeoutMs);
      this.stalled.unref();
    }
  }

  private release(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private drain(): void {
    if (this.closed) return;
    clearTimeout(this.stalled);
    this.blocked = false;
    let written = 0;
    while (written < this.queue.length && !this.blocked) {
      const frame = this.queue[written++];
      this.queuedBytes -= frame.bytes;
      this.write(frame.text);
    }
    this.queue.splice(0, written);
    if (!this.blocked && this.ending) this.finish();
    if (!this.blocked) this.release();
  }

  /** Sends a heartbeat comment every `ms` until the stream ends or closes; it never keeps the process alive. */
  beat(ms: number): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.comment("heartbeat"), ms);
    this.heartbeat.unref();
  }

  private finish(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.release();
    this.res.end();
  }

  private fail(why: SseWriterFailure): void {
    if (this.closed) return;
    this.close();
    this.onFailure(why);
    // Destroying frees what the response already holds too; the client sees the stream cut.
    this.res.destroy();
  }
}
