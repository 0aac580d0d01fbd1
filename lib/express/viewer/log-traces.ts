/**
 * Traces read back from a run log: runs that ended before the page opened, runs this process
 * no longer keeps, and runs of other instances sharing the log. Reads never follow (a trace is
 * read up to now) and keep at most the same number of events as the in-memory index.
 */
import type { RunLog } from "../../index.js";
import { timeOfLogId } from "../../run-log/timed-ids.js";
import { recordEvent, type EventRecord } from "./event-record.js";
import type { RedactedKeys } from "../json-copy.js";
import { phaseOf } from "./phases.js";
import { buildTree } from "./trace-tree.js";
import type { TraceView } from "./types.js";

/** Reads `runId`'s trace (the run and its descendants) from `log`; undefined when the log has none of it. */
export async function readLoggedTrace(
  log: RunLog,
  runId: string,
  redact: RedactedKeys,
  maxEventsPerTrace: number,
  signal?: AbortSignal,
): Promise<TraceView | undefined> {
  const records: EventRecord[] = [];
  let dropped = 0;
  let gaps = 0;
  // Every entry's time is in its id (`<ms>-<seq>`, as MemoryRunLog and RedisRunLog make them).
  // A log of the user's own whose ids carry no time leaves only the order: entries are then
  // placed 1 ms apart, and the view says its times are not real.
  const readAt = Date.now();
  let untimed = false;
  const options = signal === undefined ? { follow: false } : { follow: false, signal };
  for await (const entry of log.read(runId, options)) {
    if (entry.event === "gap") {
      gaps++;
      continue;
    }
    const phase = phaseOf(entry.event);
    if (records.length >= (phase === "during" ? maxEventsPerTrace : 2 * maxEventsPerTrace)) {
      dropped++;
      continue;
    }
    let time = timeOfLogId(entry.id);
    if (time === undefined) {
      untimed = true;
      time = readAt + records.length;
    }
    records.push(recordEvent(entry.event, entry.payload, time, redact, entry.id));
  }
  const root = buildTree(records, runId);
  if (root === undefined) return undefined;
  const view: TraceView = { ...root, source: "log", droppedEvents: dropped, gaps };
  if (untimed) view.timesFromOrder = true;
  return view;
}
