// @ts-check
/**
 * The hub's JSON API over fetch: the session cookie goes along (same origin), state-changing
 * requests carry the CSRF token from sign-in, errors become ApiError with the server's code and
 * message, and any 401 after sign-in tells the app the session has expired.
 */

/**
 * @typedef {object} Me
 * @property {string} username
 * @property {string} displayName
 * @property {'hr' | 'facilities' | 'admin'} role
 * @property {string} csrfToken
 * @property {string} expiresAt
 */

/** An error answer of the API (or a network failure, status 0). */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status; 0 when the hub could not be reached
   * @param {string} code e.g. RATE_LIMITED, NOT_FOUND, NETWORK
   * @param {string} message the server's message
   * @param {number | null} [retryAfter] seconds, from Retry-After
   */
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** @type {string | null} */
let csrfToken = null;
/** @type {() => void} */
let onUnauthorized = () => {};

/**
 * Sets what happens when a request answers 401 (the session expired).
 * @param {() => void} handler
 */
export function onSessionExpired(handler) {
  onUnauthorized = handler;
}

/**
 * Sets the CSRF token sent with POST and DELETE requests (null when signed out).
 * @param {string | null} token
 */
export function setCsrfToken(token) {
  csrfToken = token;
}

/**
 * @typedef {object} RequestOptions
 * @property {AbortSignal} [signal]
 * @property {boolean} [quiet401] do not report a 401 as an expired session (signing in, probing)
 */

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} body
 * @param {RequestOptions} options
 * @returns {Promise<Response>}
 */
async function send(method, path, body, options) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  /** @type {Response} */
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'The hub cannot be reached; check the network and try again.');
  }
  if (res.ok) return res;
  const error = await errorOf(res);
  if (res.status === 401 && !options.quiet401) onUnauthorized();
  throw error;
}

/**
 * @param {Response} res
 * @returns {Promise<ApiError>}
 */
async function errorOf(res) {
  let code = `HTTP_${res.status}`;
  let message = `${res.status} ${res.statusText || 'error'}`;
  try {
    const body = await res.json();
    if (body && typeof body.error === 'object' && body.error !== null) {
      if (typeof body.error.code === 'string') code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  const retry = res.headers.get('retry-after');
  const seconds = retry === null ? null : Number(retry);
  return new ApiError(res.status, code, message, seconds !== null && Number.isFinite(seconds) ? seconds : null);
}

/**
 * @param {Response} res
 * @returns {Promise<any>}
 */
async function jsonOf(res) {
  if (res.status === 204) return null;
  const text = await res.text();
  return text === '' ? null : JSON.parse(text);
}

/**
 * GET a JSON resource.
 * @param {string} path e.g. /api/v1/cases?state=open
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function get(path, options = {}) {
  return jsonOf(await send('GET', path, undefined, options));
}

/**
 * POST JSON (with the CSRF token) and return the JSON answer (null for 204).
 * @param {string} path
 * @param {unknown} [body] defaults to `{}`
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function post(path, body = {}, options = {}) {
  return jsonOf(await send('POST', path, body, options));
}

/**
 * DELETE (with the CSRF token).
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function del(path, options = {}) {
  return jsonOf(await send('DELETE', path, undefined, options));
}

/**
 * Signs in: the server sets the session cookie and answers who we are.
 * @param {string} username
 * @param {string} password
 * @returns {Promise<Me>}
 */
export async function signIn(username, password) {
  const me = await post('/api/v1/session', { username, password }, { quiet401: true });
  setCsrfToken(me.csrfToken);
  return me;
}

/**
 * Who is signed in, or null when nobody is (401).
 * @returns {Promise<Me | null>}
 */
export async function currentSession() {
  try {
    const me = await get('/api/v1/session', { quiet401: true });
    setCsrfToken(me.csrfToken);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/**
 * Signs out (a 401 means the session had already ended: fine).
 * @returns {Promise<void>}
 */
export async function signOut() {
  try {
    await del('/api/v1/session', { quiet401: true });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  } finally {
    setCsrfToken(null);
  }
}

/**
 * A query string from parameters, leaving out empty ones: `?a=1&b=x`.
 * @param {Record<string, string | number | null | undefined>} params
 * @returns {string}
 */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Whether an error is a fetch abort (the user navigated away): not worth showing.
 * @param {unknown} err
 * @returns {boolean}
 */
export function isAbort(err) {
  return err instanceof DOMException && err.name === 'AbortError';
}
