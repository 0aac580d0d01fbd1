// @ts-check
/**
 * Collapsible JSON: objects and arrays are `<details>` that remember being opened across
 * re-renders (a live trace re-renders often), values are text coloured by type.
 */
import { el } from "./dom.js";

/** Entries shown per object or array before "… more". */
const MAX_ENTRIES = 200;
/** Below the top, values this small and this shallow start open too, so short inputs read at a glance. */
const SMALL = 8;
const SHALLOW = 3;

/** Which collapsible values are open, by path, across renders. */
export class OpenState {
  constructor() {
    /** @type {Set<string>} */
    this.open = new Set();
  }
}

/**
 * @param {unknown} value
 * @param {OpenState} state
 * @param {string} path a key unique on the page, to remember whether it is open
 * @param {boolean} [openFirst] whether the top level starts open
 * @returns {HTMLElement}
 */
export function jsonView(value, state, path, openFirst = true) {
  return view(value, state, path, openFirst, 0);
}

/**
 * @param {unknown} value
 * @param {OpenState} state
 * @param {string} path
 * @param {boolean} openByDefault
 * @param {number} depth
 * @returns {HTMLElement}
 */
function view(value, state, path, openByDefault, depth) {
  if (value === null || typeof value !== "object") return scalar(value);
  const entries = Array.isArray(value) ? value.map((item, i) => /** @type {[string, unknown]} */ ([String(i), item])) : Object.entries(value);
  const label = Array.isArray(value) ? `[${entries.length} item${entries.length === 1 ? "" : "s"}]` : `{${entries.length} key${entries.length === 1 ? "" : "s"}}`;
  if (entries.length === 0) return el("span", { className: "json-empty" }, Array.isArray(value) ? "[]" : "{}");
  const details = el("details", { className: "json" }, el("summary", {}, label));
  const known = state.open.has(path) || state.open.has(`closed:${path}`);
  details.open = known ? state.open.has(path) : openByDefault;
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    const list = el("ul");
    for (const [key, item] of entries.slice(0, MAX_ENTRIES)) {
      const small = item !== null && typeof item === "object" && Object.keys(item).length <= SMALL;
      const openChild = openByDefault && small && depth + 1 < SHALLOW;
      list.appendChild(el("li", {}, el("span", { className: "json-key" }, key), ": ", view(item, state, `${path}.${key}`, openChild, depth + 1)));
    }
    if (entries.length > MAX_ENTRIES) list.appendChild(el("li", { className: "json-more" }, `… ${entries.length - MAX_ENTRIES} more`));
    details.appendChild(list);
  };
  // Closed values are built when first opened, so a big payload costs nothing until read.
  if (details.open) fill();
  details.addEventListener("toggle", () => {
    state.open.delete(details.open ? `closed:${path}` : path);
    state.open.add(details.open ? path : `closed:${path}`);
    if (details.open) fill();
  });
  return details;
}

/**
 * @param {unknown} value
 * @returns {HTMLElement}
 */
function scalar(value) {
  // Strings show as they are (line breaks included), between quotes.
  if (typeof value === "string") return el("span", { className: "json-string" }, `"${value}"`);
  if (typeof value === "number") return el("span", { className: "json-number" }, String(value));
  if (typeof value === "boolean") return el("span", { className: "json-boolean" }, String(value));
  return el("span", { className: "json-null" }, value === undefined ? "undefined" : "null");
}
