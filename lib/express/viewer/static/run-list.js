// @ts-check
/**
 * The list of recent root runs, newest first, with the filters above it. It re-renders only
 * when the runs or the filters change; a click (or Enter) on a row picks that run.
 */
import { el, replaceChildren } from "./dom.js";
import { clock, duration, elapsed } from "./format.js";

/** @typedef {import("./api.js").RunSummary} RunSummary */

/**
 * @typedef {{ status: string, name: string, tag: string, metadata: string }} Filters
 */

export class RunList {
  /**
   * @param {{ rows: HTMLElement, empty: HTMLElement, count: HTMLElement, form: HTMLFormElement, onPick: (runId: string) => void }} parts
   */
  constructor(parts) {
    this.parts = parts;
    /** @type {RunSummary[]} */
    this.runs = [];
    /** @type {string | undefined} */
    this.picked = undefined;
    parts.form.addEventListener("input", () => this.render());
    parts.form.addEventListener("submit", (event) => event.preventDefault());
    parts.rows.addEventListener("click", (event) => this.pickFrom(event.target));
    parts.rows.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") this.pickFrom(event.target);
    });
  }

  /** @param {RunSummary[]} runs */
  update(runs) {
    this.runs = runs;
    this.render();
  }

  /** @param {string | undefined} runId */
  mark(runId) {
    this.picked = runId;
    for (const row of this.parts.rows.children) {
      if (row instanceof HTMLElement) row.classList.toggle("picked", row.dataset.runId === runId);
    }
  }

  render() {
    const started = performance.now();
    const filters = readFilters(this.parts.form);
    const shown = this.runs.filter((run) => matches(run, filters));
    const now = Date.now();
    const fragment = document.createDocumentFragment();
    for (const run of shown) fragment.appendChild(this.row(run, now));
    replaceChildren(this.parts.rows, fragment);
    this.parts.empty.hidden = this.runs.length !== 0;
    const total = `${this.runs.length} run${this.runs.length === 1 ? "" : "s"}`;
    this.parts.count.textContent = shown.length === this.runs.length ? total : `${shown.length} of ${total}`;
    performance.measure("callbus:list-render", { start: started });
  }

  /**
   * @param {RunSummary} run
   * @param {number} now
   */
  row(run, now) {
    const row = el(
      "tr",
      { className: `run status-${run.status}${run.runId === this.picked ? " picked" : ""}`, tabindex: "0", "data-run-id": run.runId },
      el("td", { className: "name" }, el("span", { className: `kind kind-${run.kind}` }, run.kind), " ", run.name),
      el("td", {}, el("span", { className: `status status-${run.status}` }, run.status)),
      el("td", { className: "time" }, clock(run.startTime)),
      el("td", { className: "time" }, duration(elapsed(run, now))),
      el("td", { className: "number" }, run.usage === undefined ? "" : String(run.usage.total_tokens)),
      el("td", { className: "tags" }, run.tags.map((tag) => el("span", { className: "tag" }, tag))),
    );
    row.dataset.runId = run.runId;
    return row;
  }

  /** @param {EventTarget | null} target */
  pickFrom(target) {
    const row = target instanceof Element ? target.closest("tr") : null;
    const runId = row instanceof HTMLElement ? row.dataset.runId : undefined;
    if (runId !== undefined) this.parts.onPick(runId);
  }
}

/**
 * @param {HTMLFormElement} form
 * @returns {Filters}
 */
function readFilters(form) {
  const data = new FormData(form);
  const text = (/** @type {string} */ name) => String(data.get(name) ?? "").trim();
  return { status: text("status"), name: text("name").toLowerCase(), tag: text("tag").toLowerCase(), metadata: text("metadata") };
}

/**
 * @param {RunSummary} run
 * @param {Filters} filters
 */
function matches(run, filters) {
  if (filters.status !== "" && run.status !== filters.status) return false;
  if (filters.name !== "" && !run.name.toLowerCase().includes(filters.name)) return false;
  if (filters.tag !== "" && !run.tags.some((tag) => tag.toLowerCase() === filters.tag)) return false;
  if (filters.metadata !== "") {
    const cut = filters.metadata.indexOf("=");
    const key = (cut === -1 ? filters.metadata : filters.metadata.slice(0, cut)).trim();
    if (!Object.prototype.hasOwnProperty.call(run.metadata, key)) return false;
    if (cut !== -1) {
      const wanted = filters.metadata.slice(cut + 1).trim();
      const value = run.metadata[key];
      const shown = typeof value === "string" ? value : JSON.stringify(value);
      if (shown !== wanted) return false;
    }
  }
  return true;
}
