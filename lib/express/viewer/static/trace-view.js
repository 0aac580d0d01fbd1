// @ts-check
/**
 * One trace: its runs as a tree beside a timing waterfall (every run a bar on the trace's
 * time axis, custom events as marks on it), the picked run's details below, and, while the
 * trace runs, a live stream of its events that brings the view up to date as they come.
 */
import { eventsUrl, fetchTrace, STREAM_EVENTS, traceUrl } from "./api.js";
import { el, replaceChildren } from "./dom.js";
import { clock, duration, elapsed, tokens } from "./format.js";
import { jsonView, OpenState } from "./json-view.js";

/** @typedef {import("./api.js").RunNode} RunNode */
/** @typedef {import("./api.js").TraceView} TraceView */
/** @typedef {import("./api.js").ViewerEvent} ViewerEvent */

/** Events drawn as marks on their run's bar (tokens are too many and show as text instead). */
const MARKED = new Set(["customEvent", "retry", "text", "agentAction", "agentEnd"]);
/** Wait after an event before reading the trace again, so a burst of tokens is one read. */
const REFRESH_MS = 120;
/** Wait before streaming again after the stream closed while the trace still runs. */
const RECONNECT_MS = 1_000;
/** Events listed at once in a run's details. */
const EVENTS_SHOWN = 500;

export class TracePane {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    /** @type {string | undefined} */
    this.runId = undefined;
    /** @type {TraceView | undefined} */
    this.trace = undefined;
    /** @type {string | undefined} the run whose details are shown */
    this.picked = undefined;
    /** @type {Set<string>} runs whose children are hidden */
    this.collapsed = new Set();
    this.open = new OpenState();
    /** @type {EventSource | undefined} */
    this.source = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.refreshTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.reconnectTimer = undefined;
    this.loading = false;
    this.again = false;
    /** @type {number | undefined} when the run was picked, until its first render */
    this.pickedAt = undefined;
    container.addEventListener("click", (event) => this.clicked(event.target));
    container.addEventListener("keydown", (event) => {
      if ((event.key === "Enter" || event.key === " ") && event.target instanceof HTMLElement && event.target.classList.contains("row")) {
        event.preventDefault();
        this.clicked(event.target);
      }
    });
  }

  /** @param {string | undefined} runId */
  show(runId) {
    if (runId === this.runId) return;
    this.stop();
    this.runId = runId;
    this.trace = undefined;
    this.picked = runId;
    this.collapsed = new Set();
    this.open = new OpenState();
    if (runId === undefined) {
      replaceChildren(this.container, el("p", { className: "empty" }, "Pick a run to see its tree, timings, inputs and outputs."));
      delete this.container.dataset.runId;
      delete this.container.dataset.status;
      return;
    }
    replaceChildren(this.container, el("p", { className: "empty" }, "Loading…"));
    this.pickedAt = performance.now();
    void this.refresh();
  }

  /** Reads the trace again and renders it; while it runs, keeps its event stream open. */
  async refresh() {
    const runId = this.runId;
    if (runId === undefined) return;
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      const trace = await fetchTrace(runId);
      if (runId !== this.runId) return;
      if (trace === undefined) {
        this.stop();
        replaceChildren(this.container, el("p", { className: "empty" }, "This run is not known here: it never ran, or it ended longer ago than the viewer keeps runs."));
        this.container.dataset.runId = runId;
        this.container.dataset.status = "unknown";
        return;
      }
      this.trace = trace;
      this.render();
      if (trace.status === "running") this.follow(runId);
      else this.stop();
    } catch (error) {
      if (runId === this.runId) this.container.prepend(el("p", { className: "problem" }, `Could not read the trace: ${error instanceof Error ? error.message : String(error)}`));
    } finally {
      this.loading = false;
      if (this.again) {
        this.again = false;
        this.soon();
      }
    }
  }

  soon() {
    if (this.refreshTimer !== undefined) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, REFRESH_MS);
  }

  /** @param {string} runId */
  follow(runId) {
    if (this.source !== undefined || this.reconnectTimer !== undefined) return;
    const source = new EventSource(eventsUrl(runId));
    this.source = source;
    for (const name of STREAM_EVENTS) source.addEventListener(name, () => this.soon());
    source.addEventListener("error", () => {
      // The stream ends with the run (or the server cannot stream it): read the trace once more
      // and, if it still runs, stream again a little later (which also polls when streaming fails).
      source.close();
      if (this.source !== source) return;
      this.source = undefined;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        if (this.runId === runId && this.trace?.status === "running") this.follow(runId);
      }, RECONNECT_MS);
      this.soon();
    });
  }

  stop() {
    this.source?.close();
    this.source = undefined;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  render() {
    const trace = this.trace;
    if (trace === undefined) return;
    const started = performance.now();
    const now = Date.now();
    const end = latestEnd(trace, now);
    const span = Math.max(end - trace.startTime, 1);
    /** @type {Map<string, RunNode>} */
    const byId = new Map();
    const rows = document.createDocumentFragment();
    walk(trace, 0, (node, depth) => {
      byId.set(node.runId, node);
      rows.appendChild(this.row(node, depth, trace.startTime, span, now));
      return !this.collapsed.has(node.runId);
    });
    const picked = byId.get(this.picked ?? "") ?? trace;
    replaceChildren(
      this.container,
      this.head(trace, now),
      el("div", { className: "waterfall", role: "tree" }, axis(span), rows),
      this.details(picked, trace.startTime, now),
    );
    this.container.dataset.runId = trace.runId;
    this.container.dataset.status = trace.status;
    performance.measure("callbus:trace-render", { start: started });
    if (this.pickedAt !== undefined) {
      // From the pick to the first picture: reading the trace and drawing it.
      performance.measure("callbus:trace-shown", { start: this.pickedAt });
      this.pickedAt = undefined;
    }
  }

  /**
   * @param {TraceView} trace
   * @param {number} now
   */
  head(trace, now) {
    const notes = [];
    if (trace.source === "log") notes.push("read from the run log");
    if (trace.droppedEvents > 0) notes.push(`${trace.droppedEvents} in-between events not kept`);
    if (trace.timesFromOrder === true) notes.push("the run log keeps no times, so the bars show the order of events, not their durations");
    if (trace.gaps > 0) notes.push(`the log no longer had some events (${trace.gaps} gap${trace.gaps === 1 ? "" : "s"})`);
    const download = el("a", { className: "export", href: `${traceUrl(trace.runId)}?download`, download: `trace-${trace.runId}.json` }, "Export JSON");
    return el(
      "div",
      { className: "trace-head" },
      el("h2", {}, trace.name),
      el("span", { className: `status status-${trace.status}` }, trace.status),
      el("span", { className: "stat" }, duration(elapsed(trace, now))),
      trace.usage === undefined ? null : el("span", { className: "stat trace-tokens" }, `tokens ${tokens(trace.usage)}`),
      this.source === undefined ? null : el("span", { className: "live" }, "live"),
      download,
      notes.length === 0 ? null : el("p", { className: "notes" }, notes.join("; ")),
    );
  }

  /**
   * @param {RunNode} node
   * @param {number} depth
   * @param {number} origin
   * @param {number} span
   * @param {number} now
   */
  row(node, depth, origin, span, now) {
    const label = el("div", { className: "label" });
    label.style.paddingLeft = `${depth * 16 + 4}px`;
    const hasChildren = node.children.length > 0;
    label.append(
      hasChildren
        ? el("button", { className: "toggle", type: "button", "aria-label": "show or hide the runs below" }, this.collapsed.has(node.runId) ? "▸" : "▾")
        : el("span", { className: "toggle-space" }),
      el("span", { className: `kind kind-${node.kind}` }, node.kind),
      el("span", { className: "run-name" }, node.name),
      el("span", { className: "row-meta" }, duration(elapsed(node, now)), node.usage === undefined ? "" : ` · ${node.usage.total_tokens} tok`),
    );
    if (node.error !== undefined) label.append(el("div", { className: "error-message" }, `${node.error.name}: ${node.error.message}`));
    if (node.text !== undefined && node.text !== "") label.append(el("div", { className: "stream-text" }, node.text.length > 240 ? `…${node.text.slice(-240)}` : node.text));
    const bar = el("div", { className: `bar kind-${node.kind} status-${node.status}`, title: `${node.name}: ${duration(elapsed(node, now))}` });
    bar.style.left = `${percent(node.startTime - origin, span)}%`;
    bar.style.width = `${Math.max(percent(elapsed(node, now), span), 0.4)}%`;
    const track = el("div", { className: "track" }, bar);
    for (const event of node.events) {
      if (!MARKED.has(event.event)) continue;
      const name = event.event === "customEvent" && typeof event.data.eventName === "string" ? event.data.eventName : event.event;
      const mark = el("div", { className: `mark mark-${event.event}`, title: `${name} at +${duration(event.time - origin)}` });
      mark.style.left = `${percent(event.time - origin, span)}%`;
      track.appendChild(mark);
    }
    const row = el("div", { className: `row status-${node.status}${node.runId === this.picked ? " picked" : ""}`, role: "treeitem", tabindex: "0" }, label, track);
    row.dataset.runId = node.runId;
    row.dataset.depth = String(depth);
    return row;
  }

  /**
   * @param {RunNode} node
   * @param {number} origin
   * @param {number} now
   */
  details(node, origin, now) {
    const key = node.runId;
    const facts = el(
      "dl",
      { className: "facts" },
      fact("Run id", node.runId),
      node.parentRunId === undefined ? null : fact("Parent", node.parentRunId),
      fact("Kind", node.runType === undefined ? node.kind : `${node.kind} (${node.runType})`),
      fact("Started", `${clock(node.startTime)} (+${duration(node.startTime - origin)})`),
      fact("Duration", node.endTime === undefined ? `${duration(elapsed(node, now))}, running` : duration(elapsed(node, now))),
      node.usage === undefined ? null : fact("Tokens", tokens(node.usage)),
      node.tags.length === 0 ? null : fact("Tags", node.tags.map((tag) => el("span", { className: "tag" }, tag))),
    );
    const events = el("details", { className: "events" }, el("summary", {}, `Events (${node.events.length})`));
    const fillEvents = () => {
      if (events.dataset.filled === "yes") return;
      events.dataset.filled = "yes";
      events.appendChild(eventTable(node.events, origin, this.open, key));
    };
    events.open = this.open.open.has(`events:${key}`);
    if (events.open) fillEvents();
    events.addEventListener("toggle", () => {
      if (events.open) this.open.open.add(`events:${key}`);
      else this.open.open.delete(`events:${key}`);
      if (events.open) fillEvents();
    });
    return el(
      "section",
      { className: `details status-${node.status}`, "aria-label": "The picked run" },
      el("h3", {}, node.name, " ", el("span", { className: `status status-${node.status}` }, node.status)),
      facts,
      node.error === undefined ? null : el("div", { className: "error-box" }, el("strong", {}, node.error.name), ": ", node.error.message),
      node.text === undefined ? null : section("Streamed text", el("pre", { className: "stream" }, node.text)),
      section("Inputs", jsonView(node.inputs ?? null, this.open, `inputs:${key}`)),
      node.outputs === undefined ? null : section("Outputs", jsonView(node.outputs, this.open, `outputs:${key}`)),
      Object.keys(node.metadata).length === 0 ? null : section("Metadata", jsonView(node.metadata, this.open, `metadata:${key}`, false)),
      events,
    );
  }

  /** @param {EventTarget | null} target */
  clicked(target) {
    if (!(target instanceof Element)) return;
    const row = target.closest(".row");
    if (!(row instanceof HTMLElement) || row.dataset.runId === undefined) return;
    const runId = row.dataset.runId;
    if (target.closest(".toggle") !== null) {
      if (this.collapsed.has(runId)) this.collapsed.delete(runId);
      else this.collapsed.add(runId);
    } else {
      this.picked = runId;
    }
    this.render();
  }
}

/**
 * Visits `node` and, while `visit` says so, its children, depth first in start order.
 * @param {RunNode} node
 * @param {number} depth
 * @param {(node: RunNode, depth: number) => boolean} visit
 */
function walk(node, depth, visit) {
  /** @type {[RunNode, number][]} */
  const stack = [[node, depth]];
  while (stack.length > 0) {
    const [next, level] = /** @type {[RunNode, number]} */ (stack.pop());
    if (!visit(next, level)) continue;
    for (let i = next.children.length - 1; i >= 0; i--) stack.push([next.children[i], level + 1]);
  }
}

/**
 * The end of the time axis: the last end (or now, while something runs).
 * @param {RunNode} root
 * @param {number} now
 */
function latestEnd(root, now) {
  let end = root.startTime;
  walk(root, 0, (node) => {
    end = Math.max(end, node.endTime ?? now);
    for (const event of node.events) end = Math.max(end, event.time);
    return true;
  });
  return end;
}

/**
 * @param {number} part
 * @param {number} whole
 */
function percent(part, whole) {
  return Math.min(Math.max((part / whole) * 100, 0), 100);
}

/** @param {number} span */
function axis(span) {
  const track = el("div", { className: "track axis-track" });
  for (const at of [0, 0.25, 0.5, 0.75, 1]) {
    const tick = el("span", { className: "tick" }, duration(span * at));
    tick.style.left = `${at * 100}%`;
    track.appendChild(tick);
  }
  return el("div", { className: "row axis" }, el("div", { className: "label" }, "Run"), track);
}

/**
 * @param {string} name
 * @param {import("./dom.js").Child | import("./dom.js").Child[]} value
 */
function fact(name, value) {
  return [el("dt", {}, name), el("dd", {}, value)];
}

/**
 * @param {string} title
 * @param {HTMLElement} body
 */
function section(title, body) {
  return el("div", { className: "part" }, el("h4", {}, title), body);
}

/**
 * @param {ViewerEvent[]} events
 * @param {number} origin
 * @param {OpenState} open
 * @param {string} key
 */
function eventTable(events, origin, open, key) {
  const body = el("tbody");
  /** @param {number} from @param {number} to */
  const add = (from, to) => {
    for (let i = from; i < Math.min(to, events.length); i++) {
      const event = events[i];
      const data = Object.keys(event.data).length === 0 ? "" : jsonView(event.data, open, `event:${key}:${i}`, false);
      body.appendChild(el("tr", { className: `event event-${event.event}` }, el("td", { className: "time" }, `+${duration(event.time - origin)}`), el("td", {}, event.event), el("td", {}, data)));
    }
  };
  add(0, EVENTS_SHOWN);
  const table = el("table", { className: "event-table" }, body);
  if (events.length <= EVENTS_SHOWN) return table;
  const more = el("button", { type: "button", className: "more" }, `Show all ${events.length} events`);
  more.addEventListener("click", () => {
    add(EVENTS_SHOWN, events.length);
    more.remove();
  });
  return el("div", {}, table, more);
}
