// @ts-check
/**
 * The dashboard's entry point: checks the session, shows the sign-in form or the role's pages,
 * routes on the URL hash, keeps the live (server-sent events) connection and refreshes the view on
 * screen when its kind of data changes.
 */
import * as api from './api.js';
import { field, h, messageLine, replace } from './dom.js';
import { plural } from './format.js';
import { view as caseView } from './views/case.js';
import { view as casesView } from './views/cases.js';
import { view as configView } from './views/config.js';
import { view as noShowsView } from './views/no-shows.js';
import { view as reportsView } from './views/reports.js';
import { view as terminalView } from './views/terminal.js';
import { view as terminalsView } from './views/terminals.js';
import { view as usersView } from './views/users.js';

/** @typedef {'hr' | 'facilities' | 'admin'} Role */
/** @typedef {{ pattern: RegExp, view: import('./view-kit.js').View, roles: Role[], nav?: string, section: string }} RouteDef */

/** @type {RouteDef[]} */
const ROUTES = [
  { pattern: /^\/no-shows$/, view: noShowsView, roles: ['hr'], nav: 'No-shows', section: '/no-shows' },
  { pattern: /^\/cases$/, view: casesView, roles: ['hr'], nav: 'Cases', section: '/cases' },
  { pattern: /^\/cases\/(\d+)$/, view: caseView, roles: ['hr'], section: '/cases' },
  { pattern: /^\/reports$/, view: reportsView, roles: ['hr'], nav: 'Reports', section: '/reports' },
  { pattern: /^\/terminals$/, view: terminalsView, roles: ['facilities', 'admin'], nav: 'Terminals', section: '/terminals' },
  { pattern: /^\/terminals\/([^/]+)\/([^/]+)$/, view: terminalView, roles: ['facilities', 'admin'], section: '/terminals' },
  { pattern: /^\/users$/, view: usersView, roles: ['admin'], nav: 'Users', section: '/users' },
  { pattern: /^\/config$/, view: configView, roles: ['admin'], nav: 'Configuration', section: '/config' },
];
/** @type {Record<Role, string>} */
const HOME = { hr: '#/no-shows', facilities: '#/terminals', admin: '#/users' };
const ROLE_NAMES = { hr: 'HR', facilities: 'Facilities', admin: 'Admin' };
const LIVE_TOPICS = ['no-shows', 'cases', 'terminals'];
const DEBOUNCE_MS = 300;
/** While the live stream is down, the view on screen is reloaded this often instead. */
const POLL_MS = 30_000;

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const appHeader = /** @type {HTMLElement} */ (document.getElementById('app-header'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const live = /** @type {HTMLElement} */ (document.getElementById('live'));
const userName = /** @type {HTMLElement} */ (document.getElementById('user-name'));
const userRole = /** @type {HTMLElement} */ (document.getElementById('user-role'));
const signOutButton = /** @type {HTMLButtonElement} */ (document.getElementById('sign-out'));

/** @type {api.Me | null} */
let me = null;
/** @type {{ view: import('./view-kit.js').View, controller: import('./view-kit.js').ViewController, abort: AbortController } | null} */
let current = null;

// --- sites (/api/v1/today), shared by the views ---------------------------------------------

/** @type {{ at: number, sites: Promise<import('./view-kit.js').Site[]> } | null} */
let sitesCache = null;
/** @type {Map<string, string>} */
const zones = new Map();

/**
 * The sites and their today; cached for a minute unless `fresh`.
 * @param {boolean} [fresh]
 * @returns {Promise<import('./view-kit.js').Site[]>}
 */
function sites(fresh = false) {
  if (sitesCache === null || fresh || Date.now() - sitesCache.at > 60_000) {
    const loading = api.get('/api/v1/today').then((r) => {
      for (const s of r.sites) zones.set(s.site, s.timeZone);
      return /** @type {import('./view-kit.js').Site[]} */ (r.sites);
    });
    loading.catch(() => { if (sitesCache?.sites === loading) sitesCache = null; });
    sitesCache = { at: Date.now(), sites: loading };
  }
  return sitesCache.sites;
}

// --- routing ----------------------------------------------------------------------------------

/**
 * The route for a hash, with its parameters; null for an unknown path.
 * @param {string} hash
 * @returns {{ route: RouteDef, params: string[] } | null}
 */
function match(hash) {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m) {
      try {
        return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Shows the view the hash names (or the role's home for an empty hash). */
function route() {
  if (me === null) return;
  const hash = location.hash;
  if (hash === '' || hash === '#' || hash === '#/') {
    history.replaceState(null, '', HOME[me.role]);
    return route();
  }
  const found = match(hash);
  leaveView();
  window.scrollTo(0, 0);
  markNav(found?.route.section ?? null);
  if (found === null) return showMessageView('not-found', 'Page not found', `There is no page ${hash}.`);
  if (!found.route.roles.includes(me.role)) {
    return showMessageView('forbidden', 'Not allowed', `Your role (${me.role}) cannot open this page.`);
  }
  const abort = new AbortController();
  const root = h('section', { class: 'view', data: { view: found.route.view.name } });
  replace(main, root);
  document.title = `${found.route.view.title} · rollcall`;
  const controller = found.route.view.mount(root, found.params, {
    me,
    signal: abort.signal,
    sites,
    zoneOf: (site) => (site ? zones.get(site) : undefined),
  });
  current = { view: found.route.view, controller, abort };
  main.focus({ preventScroll: true });
}

function leaveView() {
  if (current === null) return;
  current.abort.abort();
  current.controller.dispose?.();
  current = null;
  clearTimeout(refreshTimer);
  refreshTimer = undefined;
}

/**
 * A page that only says something (not found, not allowed), with a way home.
 * @param {string} name data-view
 * @param {string} title
 * @param {string} text
 */
function showMessageView(name, title, text) {
  document.title = `${title} · rollcall`;
  replace(main, h('section', { class: 'view message-view', data: { view: name } },
    h('h1', { text: title }),
    h('p', { class: 'message-text-lead', attrs: { role: 'alert' }, text }),
    me ? h('p', {}, h('a', { href: HOME[me.role], data: { action: 'go-home' }, text: 'Go to your start page' })) : null));
}

/** @param {string | null} section */
function markNav(section) {
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// --- live updates -----------------------------------------------------------------------------

/** @type {EventSource | null} */
let events = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let reconnectTimer;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshTimer;
/** @type {ReturnType<typeof setInterval> | undefined} */
let pollTimer;
let wasDown = false;
/** A refresh came due while the tab was hidden: run it when it shows again. */
let pendingWhileHidden = false;

function startLive() {
  stopLive();
  const es = new EventSource('/api/v1/events');
  events = es;
  setLive('connecting');
  es.addEventListener('open', () => {
    setLive('on');
    if (wasDown) refreshSoon(null);
    wasDown = false;
  });
  es.addEventListener('error', () => {
    setLive('off');
    wasDown = true;
    // A refused stream (the session ended, the hub restarted) is not retried by the browser.
    if (es.readyState === EventSource.CLOSED && events === es) {
      clearTimeout(reconnectTimer);
      reconnectTimer = setTimeout(reconnect, 5000);
    }
  });
  for (const topic of LIVE_TOPICS) es.addEventListener(topic, () => refreshSoon(topic));
}

async function reconnect() {
  if (me === null) return;
  try {
    const who = await api.currentSession();
    if (who === null) return sessionExpired();
    startLive();
  } catch {
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(reconnect, 10_000);
  }
}

function stopLive() {
  clearTimeout(reconnectTimer);
  clearTimeout(refreshTimer);
  refreshTimer = undefined;
  events?.close();
  events = null;
  setLive('off');
}

/** @param {'on' | 'off' | 'connecting'} state */
function setLive(state) {
  live.dataset.live = state;
  const text = state === 'on' ? 'Live: pages update by themselves' : state === 'connecting' ? 'Live: connecting…' : 'Live updates paused: reconnecting (pages reload every 30 s meanwhile)';
  live.title = text;
  live.setAttribute('aria-label', text);
  clearInterval(pollTimer);
  if (state === 'off' && me !== null) pollTimer = setInterval(() => refreshSoon(null), POLL_MS);
}

/**
 * Refreshes the view on screen in a moment if it shows `topic` (null: any live view). Events in
 * the next DEBOUNCE_MS join the same refresh; the timer is not pushed back by each one, so a
 * steady stream of events (a busy ingest) still refreshes the page every DEBOUNCE_MS or so.
 * @param {string | null} topic
 */
function refreshSoon(topic) {
  if (current === null) return;
  if (topic === null ? current.view.live.length === 0 : !current.view.live.includes(topic)) return;
  if (refreshTimer !== undefined) return;
  const target = current;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    if (current !== target) return;
    if (document.visibilityState === 'hidden') pendingWhileHidden = true;
    else void target.controller.refresh();
  }, DEBOUNCE_MS);
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && pendingWhileHidden) {
    pendingWhileHidden = false;
    void current?.controller.refresh();
  }
});

// --- session ------------------------------------------------------------------------------------

/** @type {ReturnType<typeof setTimeout> | undefined} */
let expiryTimer;

/** @param {api.Me} who */
function signedIn(who) {
  me = who;
  userName.textContent = who.displayName || who.username;
  userRole.textContent = ROLE_NAMES[who.role] ?? who.role;
  userRole.dataset.role = who.role;
  replace(nav, h('ul', {}, ROUTES.filter((r) => r.nav && r.roles.includes(who.role)).map((r) =>
    h('li', {}, h('a', { href: `#${r.section}`, data: { section: r.section, nav: r.view.name }, text: r.nav })))));
  appHeader.hidden = false;
  document.body.dataset.role = who.role;
  watchExpiry(who);
  startLive();
}

/** Checks the session when it should have ended: the form comes back if it has. */
function watchExpiry(/** @type {api.Me} */ who) {
  clearTimeout(expiryTimer);
  const ms = Date.parse(who.expiresAt) - Date.now();
  if (!Number.isFinite(ms)) return;
  expiryTimer = setTimeout(async () => {
    try {
      const again = await api.currentSession();
      if (again === null) sessionExpired();
      else if (me !== null) { me = again; watchExpiry(again); }
    } catch {
      // The hub is unreachable: the next request will tell.
    }
  }, Math.min(Math.max(ms + 1000, 1000), 2_147_000_000));
}

function signedOutState() {
  me = null;
  leaveView();
  stopLive();
  clearTimeout(expiryTimer);
  clearInterval(pollTimer);
  appHeader.hidden = true;
  replace(nav);
  delete document.body.dataset.role;
  sitesCache = null;
}

/** A request answered 401: the session is over. Keep the hash to come back to. */
function sessionExpired() {
  if (me === null) return;
  signedOutState();
  showSignIn('Your session has ended. Sign in again to continue.');
}

/**
 * The sign-in form.
 * @param {string} [notice] a line above the form (why it is shown)
 */
function showSignIn(notice) {
  document.title = 'Sign in · rollcall';
  const username = h('input', { id: 'sign-in-username', name: 'username', required: true, attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' } });
  const password = h('input', { id: 'sign-in-password', name: 'password', type: 'password', required: true, attrs: { autocomplete: 'current-password' } });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', data: { action: 'sign-in' }, text: 'Sign in' });
  const message = messageLine();
  message.setAttribute('role', 'alert');
  const form = h('form', { class: 'sign-in-form', data: { form: 'sign-in' } },
    h('h1', { text: 'rollcall' }),
    h('p', { class: 'sub', text: 'Sign in to the attendance dashboard.' }),
    notice ? h('p', { class: 'notice', data: { role: 'sign-in-notice' }, text: notice }) : null,
    field('User name', username), field('Password', password),
    h('div', { class: 'buttons' }, submit), message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.clear();
    submit.disabled = true;
    try {
      const who = await api.signIn(username.value.trim(), password.value);
      signedIn(who);
      const target = match(location.hash);
      if (target === null || !target.route.roles.includes(who.role)) history.replaceState(null, '', HOME[who.role]);
      route();
    } catch (err) {
      password.value = '';
      if (err instanceof api.ApiError && err.status === 429) {
        const minutes = Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60));
        message.show(`Too many failed sign-ins; try again in ${plural(minutes, 'minute')}.`);
      } else if (err instanceof api.ApiError && err.status === 401) {
        message.show('Wrong user name or password, or the account is disabled.');
      } else {
        message.show(err instanceof Error ? err.message : String(err));
      }
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  replace(main, h('section', { class: 'view sign-in', data: { view: 'sign-in' } }, form));
  username.focus();
}

signOutButton.addEventListener('click', async () => {
  signOutButton.disabled = true;
  try {
    await api.signOut();
  } catch {
    // Signed out here anyway; the cookie ends with its session.
  } finally {
    signOutButton.disabled = false;
  }
  signedOutState();
  history.replaceState(null, '', location.pathname + location.search);
  showSignIn('You are signed out.');
});

api.onSessionExpired(sessionExpired);
window.addEventListener('hashchange', route);

async function boot() {
  try {
    const who = await api.currentSession();
    if (who === null) return showSignIn();
    signedIn(who);
    route();
  } catch (err) {
    replace(main, h('section', { class: 'view message-view', data: { view: 'unavailable' } },
      h('h1', { text: 'The hub cannot be reached' }),
      h('p', { attrs: { role: 'alert' }, text: err instanceof Error ? err.message : String(err) }),
      h('p', {}, h('button', { type: 'button', class: 'btn', data: { action: 'retry' }, text: 'Try again', on: { click: () => { replace(main, h('p', { class: 'loading', text: 'Loading…' })); void boot(); } } }))));
  }
}

void boot();
