// @ts-check
/**
 * Building DOM nodes without HTML strings: every value goes in as text, so nothing a run
 * carries (a name, an input, an error message) is ever read as markup.
 */

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {{ className?: string, title?: string, [attribute: string]: string | undefined }} Attributes
 */

/**
 * An element with attributes and children (strings become text nodes).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attributes]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (name === "className") node.className = value;
    else node.setAttribute(name, value);
  }
  append(node, children);
  return node;
}

/**
 * @param {Node} parent
 * @param {(Child | Child[])[]} children
 */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces every child of `parent`.
 * @param {Node} parent
 * @param {...(Child | Child[])} children
 */
export function replaceChildren(parent, ...children) {
  while (parent.firstChild !== null) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/**
 * The element with `id`, which the page must have.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return node;
}
