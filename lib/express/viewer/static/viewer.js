// @ts-check
/**
 * The run viewer page: the recent runs (read again every second, redrawn only when they
 * change) and the picked run's trace. The picked run is kept in the address (`#<runId>`), so
 * a link opens it and Back goes to the previous one.
 */
import { fetchRuns } from "./api.js";
import { byId } from "./dom.js";
import { RunList } from "./run-list.js";
import { TracePane } from "./trace-view.js";

const LIST_EVERY_MS = 1_000;

const connection = byId("connection", HTMLElement);
const trace = new TracePane(byId("trace", HTMLElement));
const list = new RunList({
  rows: byId("run-rows", HTMLElement),
  empty: byId("runs-empty", HTMLElement),
  count: byId("run-count", HTMLElement),
  form: byId("filters", HTMLFormElement),
  onPick: (runId) => {
    location.hash = encodeURIComponent(runId);
  },
});

function pickFromAddress() {
  const hash = location.hash.slice(1);
  let runId;
  try {
    runId = hash === "" ? undefined : decodeURIComponent(hash);
  } catch {
    runId = undefined;
  }
  list.mark(runId);
  trace.show(runId);
}

/** @type {string | undefined} */
let etag;

async function readList() {
  try {
    const answer = await fetchRuns(etag);
    connection.textContent = "live";
    connection.className = "connection ok";
    if (answer !== undefined) {
      etag = answer.etag;
      list.update(answer.runs);
    } else if (list.runs.some((run) => run.status === "running")) {
      list.render(); // the running runs' durations move on
    }
  } catch (error) {
    connection.textContent = `not updating: ${error instanceof Error ? error.message : String(error)}`;
    connection.className = "connection problem";
  } finally {
    setTimeout(readList, LIST_EVERY_MS);
  }
}

window.addEventListener("hashchange", pickFromAddress);
pickFromAddress();
void readList();
