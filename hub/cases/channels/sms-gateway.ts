import type { Channel, OutgoingMessage, SendResult } from './channel.js';
import type { SmsGatewayConfig } from './config.js';
import { exchange, isRetryableStatus, jsonObject } from './http.js';

/**
 * SMS through the HTTP API of whichever gateway the company contracts (Aliyun, Tencent Cloud, a
 * carrier's own), described in the configuration rather than coded per vendor: the method, URL,
 * headers and a body template with `{phone}`, `{text}`, `{messageId}` (the idempotency key, for
 * gateways that drop repeats of a client id) and `{secret}`. Values are escaped for where they go:
 * URL-encoded in the URL, JSON-escaped in a JSON body (the template writes the quotes), form-encoded
 * in a form body. Success is a status in range and, when configured, a JSON field equal to a value.
 */
export class SmsGatewayChannel implements Channel {
  readonly needs = 'phone' as const;

  constructor(
    readonly name: string,
    private readonly config: SmsGatewayConfig,
  ) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    if (message.address.kind !== 'phone') return { outcome: 'permanent', error: 'an SMS needs a phone number', exchange: { request: { method: this.config.method, url: '' }, durationMs: 0 } };
    const values = { phone: message.address.phone, text: message.text, messageId: message.idempotencyKey, secret: this.config.secret ?? '' };
    const c = this.config;
    const url = fillTemplate(c.url, values, encodeURIComponent);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.headers)) headers[k] = fillTemplate(v, values, (s) => s);
    let body: string | undefined;
    if (c.method !== 'GET') {
      headers['content-type'] = `${c.contentType}; charset=utf-8`;
      body = fillTemplate(c.body, values, c.contentType === 'application/json' ? jsonEscape : formEncode);
    }
    const secrets = c.secret === undefined ? [] : [c.secret];
    const r = await exchange({ method: c.method, url, headers, ...(body === undefined ? {} : { body }) }, c.timeoutMs, signal, secrets);
    if (r.kind === 'network') return { outcome: 'retryable', error: r.error, exchange: r.exchange };
    const { statusFrom, statusTo, field, equals, retryOn } = c.success;
    if (r.status < statusFrom || r.status > statusTo) {
      return { outcome: isRetryableStatus(r.status) ? 'retryable' : 'permanent', error: `the SMS gateway ${this.name} answered HTTP ${r.status}`, exchange: r.exchange };
    }
    if (field === undefined) return { outcome: 'ok', exchange: r.exchange };
    const value = fieldAt(jsonObject(r.body), field);
    if (value !== undefined && value === equals) return { outcome: 'ok', exchange: r.exchange };
    const error = `the SMS gateway ${this.name} answered ${field} = ${value === undefined ? '(missing)' : JSON.stringify(value)}, not ${JSON.stringify(equals)}`;
    return { outcome: value !== undefined && retryOn.includes(value) ? 'retryable' : 'permanent', error, exchange: r.exchange };
  }
}

export type TemplateValues = Record<'phone' | 'text' | 'messageId' | 'secret', string>;

/** Replaces `{phone}`, `{text}`, `{messageId}` and `{secret}`, each escaped by `escape`; other braces stay. */
export function fillTemplate(template: string, values: TemplateValues, escape: (s: string) => string): string {
  return template.replace(/\{(phone|text|messageId|secret)\}/g, (_, key: keyof TemplateValues) => escape(values[key]));
}

/** The inside of a JSON string literal. */
export const jsonEscape = (s: string): string => JSON.stringify(s).slice(1, -1);

/** application/x-www-form-urlencoded, as HTML forms and URLSearchParams write it. */
export const formEncode = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2);

/** A dotted path's value in a JSON object, as text (numbers and booleans written as JSON writes them). */
function fieldAt(json: Record<string, unknown> | undefined, path: string): string | undefined {
  let v: unknown = json;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
