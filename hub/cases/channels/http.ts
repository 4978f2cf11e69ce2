import type { Exchange, SendResult } from './channel.js';

/** Bodies kept with an attempt, request and response alike. */
export const EVIDENCE_BODY_BYTES = 4096;

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** What came back, or why nothing did. */
export type HttpOutcome =
  | { kind: 'response'; status: number; body: string; exchange: Exchange }
  | { kind: 'network'; error: string; exchange: Exchange };

/**
 * One HTTP request with Node's fetch, bounded by `timeoutMs` and the caller's signal. Network
 * failures (refused, reset, DNS, timeout) come back as values, never as exceptions. `secrets` are
 * blanked out of the recorded request wherever they appear.
 */
export async function exchange(req: HttpRequest, timeoutMs: number, signal: AbortSignal, secrets: readonly string[] = []): Promise<HttpOutcome> {
  const started = performance.now();
  const recorded: Exchange['request'] = {
    method: req.method,
    url: redactUrl(scrub(req.url, secrets)),
    headers: redactHeaders(req.headers, secrets),
    ...(req.body === undefined ? {} : { body: truncate(scrub(req.body, secrets)) }),
  };
  const done = (): number => Math.round(performance.now() - started);
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      redirect: 'manual',
    });
    const body = await res.text();
    return { kind: 'response', status: res.status, body, exchange: { request: recorded, response: { status: res.status, body: truncate(body) }, durationMs: done() } };
  } catch (err) {
    return { kind: 'network', error: networkError(err, timeoutMs, signal), exchange: { request: recorded, durationMs: done() } };
  }
}

/** The usual reading of an HTTP status: 2xx ok; 408, 429 and 5xx worth another try; other 4xx (and 3xx) not. */
export function statusResult(status: number, exchange: Exchange, what: string): SendResult {
  if (status >= 200 && status < 300) return { outcome: 'ok', exchange };
  const error = `${what} answered HTTP ${status}`;
  return { outcome: isRetryableStatus(status) ? 'retryable' : 'permanent', error, exchange };
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Keeps a body to a few KB (whole characters), marking the cut. */
export function truncate(text: string, max = EVIDENCE_BODY_BYTES): string {
  if (Buffer.byteLength(text) <= max) return text;
  let cut = text.slice(0, max);
  while (Buffer.byteLength(cut) > max) cut = cut.slice(0, -1);
  return `${cut}…[${Buffer.byteLength(text)} bytes in all]`;
}

/**
 * A URL fit to keep: every query value but `timestamp` and every path segment that looks like a
 * token (16 or more letters, digits, `-` or `_`) replaced by `***`. Bot and gateway URLs carry
 * their credentials in exactly those places (`?key=`, `?access_token=`, `/hook/<token>`).
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '***';
  }
  u.username = '';
  u.password = '';
  u.pathname = u.pathname.split('/').map((seg) => (/^[A-Za-z0-9_-]{16,}$/.test(seg) ? '***' : seg)).join('/');
  for (const key of [...new Set(u.searchParams.keys())]) {
    if (key !== 'timestamp') u.searchParams.set(key, '***');
  }
  return u.toString().replace(/%2A%2A%2A/g, '***');
}

const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|x-auth-token|api-key|apikey)$/i;

function redactHeaders(headers: Record<string, string>, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.test(k) ? '***' : scrub(v, secrets);
  return out;
}

/** Replaces every occurrence of each secret (and its URL-encoded form) by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length === 0) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}

function networkError(err: unknown, timeoutMs: number, signal: AbortSignal): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (signal.aborted) return 'the hub stopped the request (shutting down)';
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = e.cause;
  if (cause?.code !== undefined) return `network error: ${cause.code}${cause.message === undefined ? '' : ` (${cause.message})`}`;
  return `network error: ${cause?.message ?? e.message ?? String(err)}`;
}

/** Reads a JSON object from a response body; undefined when it is not one. */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
