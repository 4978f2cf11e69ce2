import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmsGatewayConfig } from '../../../../hub/cases/channels/config.js';
import { SmsGatewayChannel } from '../../../../hub/cases/channels/sms-gateway.js';
import { HttpTarget, limits, message, never, refusedUrl, TEXT } from './local-servers.js';

describe('SMS gateway channel', () => {
  let target: HttpTarget;
  beforeAll(async () => {
    target = await HttpTarget.start();
  });
  afterAll(async () => {
    await target.close();
  });

  const sms = message({ address: { kind: 'phone', phone: '13800000011' } });
  const json = (over: Partial<SmsGatewayConfig> = {}): SmsGatewayChannel =>
    new SmsGatewayChannel('sms', {
      type: 'sms-gateway', ...limits(), method: 'POST', url: `${target.base}/v1/sms?appKey={secret}`, headers: { 'X-Api-Key': '{secret}', 'X-Tenant': 'acme' },
      contentType: 'application/json', body: '{"to": "{phone}", "content": "{text}", "clientMsgId": "{messageId}", "sign": "考勤"}', secret: 'AK-9f8e7d6c5b4a3928',
      success: { statusFrom: 200, statusTo: 299, field: 'result.code', equals: '0', retryOn: ['THROTTLED'] }, ...over,
    });

  it('fills a JSON template with JSON-escaped values and the secret, and keeps the secret out of the record', async () => {
    target.answer({ status: 200, body: '{"result": {"code": 0, "id": "sm-1"}}' });
    const r = await json().send(sms, never);
    expect(r.outcome).toBe('ok');
    const req = target.received.at(-1)!;
    expect(req.url).toBe('/v1/sms?appKey=AK-9f8e7d6c5b4a3928');
    expect(req.headers['x-api-key']).toBe('AK-9f8e7d6c5b4a3928');
    expect(req.headers['x-tenant']).toBe('acme');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(req.body)).toEqual({ to: '13800000011', content: TEXT, clientMsgId: 'case-3-msg-7', sign: '考勤' });
    expect(req.body).toContain('\\"引号\\" & <尖括号>\\n第二行');
    const kept = JSON.stringify(r.exchange);
    expect(kept).not.toContain('AK-9f8e7d6c5b4a3928');
    expect(r.exchange.request.url).toBe(`${target.base}/v1/sms?appKey=***`);
    expect(r.exchange.request.headers).toMatchObject({ 'X-Api-Key': '***', 'X-Tenant': 'acme' });
  });

  it('fills a form template with form-encoded values', async () => {
    target.answer({ status: 200, body: 'OK' });
    const form = new SmsGatewayChannel('sms', {
      type: 'sms-gateway', ...limits(), method: 'POST', url: `${target.base}/send`, headers: {}, contentType: 'application/x-www-form-urlencoded',
      body: 'mobile={phone}&msg={text}&ref={messageId}', success: { statusFrom: 200, statusTo: 200, retryOn: [] },
    });
    expect((await form.send(sms, never)).outcome).toBe('ok');
    const req = target.received.at(-1)!;
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(req.body).toBe(`mobile=13800000011&msg=${new URLSearchParams({ m: TEXT }).toString().slice(2)}&ref=case-3-msg-7`);
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ mobile: '13800000011', msg: TEXT, ref: 'case-3-msg-7' });
  });

  it('reads success from the status range and the JSON field; retries the configured codes, 5xx, timeouts and refusals', async () => {
    const cases: Array<[number, string, string]> = [
      [200, '{"result": {"code": "0"}}', 'ok'],
      [200, '{"result": {"code": "THROTTLED"}}', 'retryable'],
      [200, '{"result": {"code": "MOBILE_NUMBER_ILLEGAL"}}', 'permanent'],
      [200, 'not json', 'permanent'],
      [400, '{}', 'permanent'],
      [429, '{}', 'retryable'],
      [502, '<html>bad gateway</html>', 'retryable'],
    ];
    for (const [status, body, outcome] of cases) {
      target.answer({ status, body });
      const r = await json().send(sms, never);
      expect([status, body, r.outcome]).toEqual([status, body, outcome]);
    }
    target.answer({ status: 200, body: '{"result": {"code": "MOBILE_NUMBER_ILLEGAL"}}' });
    expect(await json().send(sms, never)).toMatchObject({ error: 'the SMS gateway sms answered result.code = "MOBILE_NUMBER_ILLEGAL", not "0"' });
    target.answer('hang');
    expect(await json({ timeoutMs: 200 }).send(sms, never)).toMatchObject({ outcome: 'retryable', error: 'no answer within 200 ms' });
    expect((await json({ url: await refusedUrl() }).send(sms, never)).outcome).toBe('retryable');
  });
});
