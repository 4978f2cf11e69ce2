// @ts-check
/**
 * What every view is given and gives back, and the pieces views share: the page header with its
 * "updated" time, the error panel, and a refresh loop that never runs two fetches at once.
 */
import { ApiError, isAbort } from './api.js';
import { h, replace } from './dom.js';

/**
 * @typedef {object} Site
 * @property {string} site
 * @property {string | null} name
 * @property {string} timeZone
 * @property {string} today YYYY-MM-DD
 * @property {string} now ISO
 */

/**
 * @typedef {object} ViewContext
 * @property {import('./api.js').Me} me who is signed in
 * @property {AbortSignal} signal aborted when the user leaves the view
 * @property {(fresh?: boolean) => Promise<Site[]>} sites the sites and their today (/api/v1/today)
 * @property {(site: string | null | undefined) => string | undefined} zoneOf a site's time zone, once sites() has answered
 */

/**
 * @typedef {object} ViewController
 * @property {() => Promise<void>} refresh fetches the view's data again and updates it in place
 * @property {() => void} [dispose]
 */

/**
 * @typedef {object} View
 * @property {string} name the data-view attribute
 * @property {string} title page title
 * @property {string[]} live the server-sent event names that should refresh it
 * @property {(root: HTMLElement, params: string[], ctx: ViewContext) => ViewController} mount
 */

/**
 * The view's header: a heading, an optional line under it, and the time of the last update.
 * @param {string} title
 * @param {...(Node | string | null)} extra
 * @returns {{ el: HTMLElement, heading: HTMLHeadingElement, updated(): void }}
 */
export function viewHeader(title, ...extra) {
  const heading = h('h1', { text: title });
  const stamp = h('span', { class: 'updated', data: { role: 'updated' } });
  const el = h('header', { class: 'view-header' }, h('div', { class: 'view-title' }, heading, ...extra), stamp);
  return {
    el,
    heading,
    updated() {
      const now = new Date();
      const time = now.toTimeString().slice(0, 8);
      stamp.textContent = `Updated ${time}`;
      stamp.title = now.toString();
    },
  };
}

/**
 * An error panel for a failed load (`role="alert"`), with the server's message.
 * @param {unknown} err
 * @param {string} [what] e.g. "the cases"
 * @returns {HTMLElement}
 */
export function errorPanel(err, what = 'this page') {
  const message = errorText(err);
  const code = err instanceof ApiError ? err.code : 'ERROR';
  return h('div', { class: 'error-panel', attrs: { role: 'alert' }, data: { errorCode: code } },
    h('strong', { text: `Could not load ${what}. ` }), message);
}

/**
 * The text to show for an error: the server's message, or the exception's.
 * @param {unknown} err
 * @returns {string}
 */
export function errorText(err) {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * A loading placeholder.
 * @param {string} [text]
 * @returns {HTMLElement}
 */
export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', attrs: { 'aria-busy': 'true' }, text });
}

/**
 * Wraps a view's load function: one run at a time (a request during a run schedules one more),
 * aborts are ignored, other failures are shown in `slot` (and cleared on the next success).
 * @param {() => Promise<void>} load
 * @param {Element} slot where errors appear
 * @param {string} what e.g. "the cases"
 * @param {() => void} [done] after a successful load
 * @returns {() => Promise<void>}
 */
export function refresher(load, slot, what, done) {
  /** @type {Promise<void> | null} */
  let running = null;
  let again = false;
  const run = async () => {
    try {
      await load();
      replace(slot);
      done?.();
    } catch (err) {
      if (isAbort(err)) return;
      if (err instanceof ApiError && err.status === 401) return; // the app shows the sign-in form
      replace(slot, errorPanel(err, what));
    }
  };
  return async () => {
    if (running !== null) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await run();
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = null;
    }
  };
}
