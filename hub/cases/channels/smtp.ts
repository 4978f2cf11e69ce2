import { createTransport } from 'nodemailer';
import type { Channel, Exchange, OutgoingMessage, SendResult } from './channel.js';
import type { SmtpConfig } from './config.js';
import { truncate } from './http.js';

/**
 * Email through the company's SMTP server (nodemailer): plain text in UTF-8, the subject
 * encoded as RFC 2047 words, so Chinese arrives as written. The idempotency key is the
 * Message-ID (`<case-12-msg-345@rollcall.hub>`): a resend after a crash carries the same one,
 * which mail clients and archives use to fold duplicates.
 *
 * One connection per message: reminders are few, and nothing is left half-open when a server
 * dies. A 4xx reply or a network failure is tried again; a 5xx reply (unknown mailbox, relay
 * denied) and rejected credentials are not.
 */
export class SmtpChannel implements Channel {
  readonly needs = 'email' as const;

  constructor(
    readonly name: string,
    private readonly config: SmtpConfig,
  ) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    const c = this.config;
    const started = performance.now();
    const to = message.address.kind === 'email' ? message.address.email : '';
    const subject = message.subject ?? firstLine(message.text);
    const messageId = `<${message.idempotencyKey}@rollcall.hub>`;
    const request: Exchange['request'] = {
      method: 'SMTP',
      url: `${c.security === 'tls' ? 'smtps' : 'smtp'}://${c.host}:${c.port}`,
      body: truncate(`MAIL FROM: ${c.from}\nRCPT TO: ${to}\nMessage-ID: ${messageId}\nSubject: ${subject}\n\n${message.text}`),
    };
    const exchange = (response?: { status: number; body: string }): Exchange => ({ request, ...(response === undefined ? {} : { response }), durationMs: Math.round(performance.now() - started) });
    const transport = createTransport({
      host: c.host,
      port: c.port,
      secure: c.security === 'tls',
      requireTLS: c.security === 'starttls',
      ignoreTLS: c.security === 'none',
      ...(c.user === undefined ? {} : { auth: { user: c.user, pass: c.password ?? '' } }),
      connectionTimeout: c.timeoutMs,
      greetingTimeout: c.timeoutMs,
      socketTimeout: c.timeoutMs,
      ...(c.ca === undefined ? {} : { tls: { ca: c.ca } }),
    });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(Object.assign(new Error('the hub stopped the request (shutting down)'), { code: 'EABORTED' }));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    // Every outcome settles the race; the losing branch's rejection must not go unhandled.
    aborted.catch(() => undefined);
    try {
      const info = await Promise.race([
        transport.sendMail({ from: c.from, to, subject, text: message.text, messageId, headers: { 'X-Rollcall-Message': message.idempotencyKey } }),
        aborted,
      ]);
      const reply = String(info.response ?? '');
      return { outcome: 'ok', exchange: exchange({ status: replyCode(reply) ?? 250, body: truncate(reply) }) };
    } catch (err) {
      const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
      const response = e.responseCode === undefined ? undefined : { status: e.responseCode, body: truncate(e.response ?? '') };
      const permanent = e.code === 'EAUTH' || (e.responseCode !== undefined && e.responseCode >= 500);
      const error = `the mail server ${c.host}:${c.port}: ${e.message ?? String(err)}${e.code === undefined ? '' : ` (${e.code})`}`;
      return { outcome: permanent ? 'permanent' : 'retryable', error, exchange: exchange(response) };
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}

function replyCode(reply: string): number | undefined {
  const m = /^(\d{3})/.exec(reply);
  return m === null ? undefined : Number(m[1]);
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}
