import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookChannel } from '../../../../hub/cases/channels/webhook.js';
import { HttpTarget, limits, message, never, refusedUrl, TEXT } from './local-servers.js';

describe('webhook channel', () => {
  let target: HttpTarget;
  beforeAll(async () => {
    target = await HttpTarget.start();
  });
  afterAll(async () => {
    await target.close();
  });

  const channel = (over: { url?: string; timeoutMs?: number } = {}): WebhookChannel =>
    new WebhookChannel('hr-system', { type: 'webhook', ...limits(over.timeoutMs), url: over.url ?? `${target.base}/hooks/rollcall`, bearerToken: 'tok-123', hmacSecret: 'hmac-key' });

  it('POSTs the message as JSON with the idempotency key, a bearer token and an HMAC-SHA256 signature', async () => {
    target.answer({ status: 202, body: '{"accepted":true}' });
    const before = Math.floor(Date.now() / 1000);
    const result = await channel().send(message({ address: { kind: 'endpoint' } }), never);
    expect(result.outcome).toBe('ok');
    const req = target.received.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hooks/rollcall');
    expect(JSON.parse(req.body)).toEqual({
      id: 'case-3-msg-7', caseId: 3, messageId: 7,
      recipient: { role: 'employee', id: 'E1', name: '王小明', phone: '13800000011', email: 'wang@example.com', chatId: 'wangxm' },
      subject: '考勤提醒', text: TEXT,
    });
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req.headers['idempotency-key']).toBe('case-3-msg-7');
    expect(req.headers.authorization).toBe('Bearer tok-123');
    const timestamp = req.headers['x-rollcall-timestamp'] as string;
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(req.headers['x-rollcall-signature']).toBe(`sha256=${createHmac('sha256', 'hmac-key').update(`${timestamp}.${req.body}`).digest('hex')}`);
    // What is kept: the exchange, with the token blanked out.
    expect(result.exchange.request).toMatchObject({ method: 'POST', url: `${target.base}/hooks/rollcall`, body: req.body });
    expect(result.exchange.request.headers!.authorization).toBe('***');
    expect(JSON.stringify(result.exchange)).not.toContain('tok-123');
    expect(result.exchange.response).toEqual({ status: 202, body: '{"accepted":true}' });
  });

  it('maps statuses: 2xx ok; 408, 429 and 5xx retryable; other 4xx permanent', async () => {
    const outcomes: Record<number, string> = {};
    for (const status of [200, 204, 400, 401, 404, 408, 429, 500, 503]) {
      target.answer({ status, body: status === 204 ? '' : '{}' });
      outcomes[status] = (await channel().send(message(), never)).outcome;
    }
    expect(outcomes).toEqual({ 200: 'ok', 204: 'ok', 400: 'permanent', 401: 'permanent', 404: 'permanent', 408: 'retryable', 429: 'retryable', 500: 'retryable', 503: 'retryable' });
  });

  it('gives up on a server that does not answer within the timeout, and on a refused connection, as retryable', async () => {
    target.answer('hang');
    const started = Date.now();
    const hung = await channel({ timeoutMs: 300 }).send(message(), never);
    expect(hung).toMatchObject({ outcome: 'retryable', error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hung.exchange.response).toBeUndefined();
    const refused = await channel({ url: await refusedUrl('/x') }).send(message(), never);
    expect(refused).toMatchObject({ outcome: 'retryable', error: expect.stringMatching(/^network error: ECONNREFUSED/) });
  });

  it('keeps at most a few KB of a long answer', async () => {
    target.answer({ status: 500, body: '错'.repeat(5000) });
    const r = await channel().send(message(), never);
    expect(r.outcome).toBe('retryable');
    expect(Buffer.byteLength(r.exchange.response!.body)).toBeLessThan(4200);
    expect(r.exchange.response!.body).toMatch(/^错+…\[15000 bytes in all\]$/);
  });
});
