// @ts-check
/**
 * Small DOM builders. Everything goes through createElement/textContent, never innerHTML, so
 * employee names and notice text (data) can never become markup. `style` attributes are refused:
 * the Content-Security-Policy forbids them; set `element.style.x` (CSSOM) instead.
 */
import { humanize } from './format.js';

/**
 * @typedef {object} Props
 * @property {string} [class] class names
 * @property {string} [text] text content
 * @property {Record<string, string | number | undefined>} [data] data-* attributes
 * @property {Record<string, EventListener>} [on] event listeners
 * @property {Record<string, string | number | boolean | null | undefined>} [attrs] other attributes (false/null/undefined: left out)
 * @property {string} [id]
 * @property {string} [type]
 * @property {string} [name]
 * @property {string} [value]
 * @property {string} [href]
 * @property {string} [target]
 * @property {string} [rel]
 * @property {string} [title]
 * @property {string} [for]
 * @property {boolean} [disabled]
 * @property {boolean} [hidden]
 * @property {boolean} [checked]
 * @property {boolean} [required]
 * @property {boolean} [selected]
 */

/** @typedef {Node | string | number | null | undefined | false} Child */

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'hidden', 'required', 'selected']);

/**
 * Creates an HTML element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an SVG element.
 * @param {string} tag
 * @param {Record<string, string | number | null | undefined>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {SVGElement}
 */
export function s(tag, attrs = {}, ...children) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === 'style') throw new Error('style attributes are not allowed by the CSP');
    if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {Props} props
 */
function applyProps(el, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'class') el.className = /** @type {string} */ (value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'data') {
      for (const [k, v] of Object.entries(/** @type {Record<string, unknown>} */ (value))) {
        if (v !== undefined && v !== null) /** @type {HTMLElement} */ (el).dataset[k] = String(v);
      }
    } else if (key === 'on') {
      for (const [k, fn] of Object.entries(/** @type {Record<string, EventListener>} */ (value))) el.addEventListener(k, fn);
    } else if (key === 'attrs') {
      for (const [k, v] of Object.entries(/** @type {Record<string, unknown>} */ (value))) setAttr(el, k, v);
    } else if (PROPERTIES.has(key)) {
      /** @type {any} */ (el)[key] = value;
    } else setAttr(el, key, value);
  }
}

/**
 * @param {Element} el
 * @param {string} name
 * @param {unknown} value
 */
function setAttr(el, name, value) {
  if (name === 'style') throw new Error('style attributes are not allowed by the CSP');
  if (value === false || value === null || value === undefined) return;
  el.setAttribute(name, value === true ? '' : String(value));
}

/**
 * Appends children (nested arrays flattened; null, undefined and false skipped).
 * @param {Node} el
 * @param {(Child | Child[])[]} children
 */
export function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces all children of `el`.
 * @param {Element} el
 * @param {...(Child | Child[])} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** @type {WeakMap<Element, string>} */
const shown = new WeakMap();

/**
 * Rebuilds the contents of `el` from `data` only when `data` differs from what it last showed:
 * a live refresh with nothing new keeps the user's scroll position, text selection and focus.
 * @template T
 * @param {Element} el
 * @param {T} data
 * @param {(data: T) => Child | Child[]} build
 * @returns {boolean} whether it rebuilt
 */
export function updateIfChanged(el, data, build) {
  const key = JSON.stringify(data) ?? 'undefined';
  if (shown.get(el) === key) return false;
  shown.set(el, key);
  replace(el, build(data));
  return true;
}

/**
 * A short coloured label, e.g. a state.
 * @param {string} text
 * @param {string} kind a modifier: ok, bad, warn, info, muted
 * @returns {HTMLSpanElement}
 */
export function badge(text, kind) {
  return h('span', { class: `badge badge-${kind}`, text });
}

/**
 * A badge for a state, its colour from `kinds` (muted when not listed), with the raw state in
 * `data-state` for tests and styles.
 * @param {string} state
 * @param {Record<string, string>} kinds
 * @returns {HTMLElement}
 */
export function stateBadge(state, kinds) {
  const el = badge(humanize(state), kinds[state] ?? 'muted');
  el.dataset.state = state;
  return el;
}

/**
 * A message line for an action's result: call `.show(text, kind)` / `.clear()`.
 * @returns {HTMLParagraphElement & { show(text: string, kind?: 'error' | 'ok'): void, clear(): void }}
 */
export function messageLine() {
  const p = /** @type {any} */ (h('p', { class: 'action-message', attrs: { role: 'status', 'aria-live': 'polite' }, hidden: true }));
  p.show = (/** @type {string} */ text, /** @type {'error' | 'ok'} */ kind = 'error') => {
    p.textContent = text;
    p.className = `action-message action-${kind}`;
    p.dataset.kind = kind;
    p.hidden = false;
  };
  p.clear = () => {
    p.textContent = '';
    p.hidden = true;
    delete p.dataset.kind;
  };
  return p;
}

/**
 * A labelled form field: `<div class="field"><label for>…</label><input id>…</div>`.
 * @param {string} label
 * @param {HTMLElement} control must have an id
 * @param {string} [hint]
 * @returns {HTMLDivElement}
 */
export function field(label, control, hint) {
  return h('div', { class: 'field' }, h('label', { for: control.id, text: label }), control, hint ? h('small', { class: 'hint', text: hint }) : null);
}

/**
 * A `<th scope="col">` header row.
 * @param {string[]} titles
 * @returns {HTMLTableSectionElement}
 */
export function thead(titles) {
  return h('thead', {}, h('tr', {}, titles.map((t) => h('th', { attrs: { scope: 'col' }, text: t }))));
}

/**
 * A table body row saying there is nothing to show.
 * @param {number} columns
 * @param {string} text
 * @returns {HTMLTableRowElement}
 */
export function emptyRow(columns, text) {
  return h('tr', { class: 'empty' }, h('td', { attrs: { colspan: columns }, text }));
}

let ids = 0;
/**
 * A unique element id (for label/for pairs).
 * @param {string} prefix
 * @returns {string}
 */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}
