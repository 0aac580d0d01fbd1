/**
 * Writes Server-Sent Events frames to a response and follows its backpressure: while
 * `write()` says the client is not keeping up, frames wait in a bounded queue until 'drain'.
 * When the queue is over its limits the oldest droppable frame goes first (per-token
 * events, whose text `llmEnd` repeats); when only non-droppable frames are left over the
 * limits, the stream is closed rather than grow.
 */
import type { ServerResponse } from "node:http";

/** The bounds of the queue of frames waiting for a slow client. */
export interface SseBufferLimits {
  /** Most frames held while the client is not reading. */
  readonly maxBufferedEvents: number;
  /** Most bytes (UTF-8) held while the client is not reading. */
  readonly maxBufferedBytes: number;
}

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

export class SseWriter {
  readonly stats: SseWriterStats = { sent: 0, dropped: 0, peakBufferedEvents: 0, peakBufferedBytes: 0 };
  private queue: Frame[] = [];
  private queuedBytes = 0;
  private blocked = false;
  private ending = false;
  private closed = false;
  private readonly onDrain = () => this.drain();

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: SseBufferLimits,
    /** Called once when non-droppable frames overflowed and the stream was cut. */
    private readonly onOverflow: () => void,
  ) {}

  /** Frames waiting for the client right now. */
  get buffered(): number {
    return this.queue.length;
  }

  /** Writes a frame now, or queues it while the client is not reading. */
  send(text: string, droppable: boolean): void {
    if (this.closed || this.ending) return;
    if (!this.blocked) {
      this.write(text);
      return;
    }
    this.queue.push({ text, bytes: Buffer.byteLength(text), droppable });
    this.queuedBytes += this.queue[this.queue.length - 1].bytes;
    while (this.queue.length > this.limits.maxBufferedEvents || this.queuedBytes > this.limits.maxBufferedBytes) {
      const oldest = this.queue.findIndex((frame) => frame.droppable);
      if (oldest === -1) {
        this.overflow();
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
    this.queue = [];
    this.queuedBytes = 0;
    this.res.off("drain", this.onDrain);
  }

  private write(text: string): void {
    this.stats.sent++;
    if (!this.res.write(text)) this.block();
  }

  private block(): void {
    this.blocked = true;
    this.res.once("drain", this.onDrain);
  }

  private drain(): void {
    if (this.closed) return;
    this.blocked = false;
    let written = 0;
    while (written < this.queue.length && !this.blocked) {
      const frame = this.queue[written++];
      this.queuedBytes -= frame.bytes;
      this.write(frame.text);
    }
    this.queue.splice(0, written);
    if (!this.blocked && this.ending) this.finish();
  }

  private finish(): void {
    this.closed = true;
    this.res.end();
  }

  private overflow(): void {
    this.close();
    this.onOverflow();
    // Destroying frees what the response already holds too; the client sees the stream cut.
    this.res.destroy();
  }
}
