import { createHmac } from 'node:crypto';
import type { Channel, OutgoingMessage, SendResult } from './channel.js';
import type { WebhookConfig } from './config.js';
import { exchange, statusResult } from './http.js';

/**
 * A JSON POST to a URL of the company's own (an HR system, a ticket queue, a chat relay):
 *
 * ```json
 * {"id": "case-12-msg-345", "caseId": 12, "messageId": 345,
 *  "recipient": {"role": "employee", "id": "E1", "name": "王小明", "phone": "138…", "email": "…", "chatId": "…"},
 *  "subject": "考勤提醒", "text": "…"}
 * ```
 *
 * Headers: `Idempotency-Key: case-12-msg-345` (the same on every attempt: drop repeats by it);
 * with `bearerTokenFile`, `Authorization: Bearer <token>`; with `hmacSecretFile`,
 * `X-Rollcall-Timestamp: <unix seconds>` and
 * `X-Rollcall-Signature: sha256=<hex HMAC-SHA256 keyed by the secret over "<timestamp>.<body>">`,
 * so the receiver can check both who sent it and that it is fresh.
 *
 * 2xx is delivered; 408, 429, 5xx and network failures are tried again; any other status is not.
 */
export class WebhookChannel implements Channel {
  readonly needs = 'endpoint' as const;

  constructor(
    readonly name: string,
    private readonly config: WebhookConfig,
  ) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    const body = JSON.stringify({
      id: message.idempotencyKey,
      caseId: message.caseId,
      messageId: message.messageId,
      recipient: message.recipient,
      subject: message.subject,
      text: message.text,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': message.idempotencyKey };
    if (this.config.bearerToken !== undefined) headers.authorization = `Bearer ${this.config.bearerToken}`;
    if (this.config.hmacSecret !== undefined) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers['x-rollcall-timestamp'] = timestamp;
      headers['x-rollcall-signature'] = `sha256=${webhookSignature(this.config.hmacSecret, timestamp, body)}`;
    }
    const secrets = [this.config.bearerToken, this.config.hmacSecret].filter((s): s is string => s !== undefined);
    const r = await exchange({ method: 'POST', url: this.config.url, headers, body }, this.config.timeoutMs, signal, secrets);
    if (r.kind === 'network') return { outcome: 'retryable', error: r.error, exchange: r.exchange };
    return statusResult(r.status, r.exchange, `the webhook ${this.name}`);
  }
}

/** Hex HMAC-SHA256 of `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
