import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DingTalkBotChannel } from '../../../../hub/cases/channels/dingtalk-bot.js';
import { FeishuBotChannel } from '../../../../hub/cases/channels/feishu-bot.js';
import { WeComBotChannel } from '../../../../hub/cases/channels/wecom-bot.js';
import { HttpTarget, limits, message, never, TEXT } from './local-servers.js';

const CONTENT = `【考勤提醒】\n${TEXT}`;

describe('chat-group bots', () => {
  let target: HttpTarget;
  beforeAll(async () => {
    target = await HttpTarget.start();
  });
  afterAll(async () => {
    await target.close();
  });

  async function outcomes(send: () => Promise<{ outcome: string }>, replies: Array<[number, string]>): Promise<string[]> {
    const out: string[] = [];
    for (const [status, body] of replies) {
      target.answer({ status, body });
      out.push(`${status} ${body} → ${(await send()).outcome}`);
    }
    return out;
  }

  it('WeCom: msgtype text, mentioned by user id and mobile; errcode 0 ok, 45009 and -1 retried, others refused', async () => {
    const bot = new WeComBotChannel('wecom', { type: 'wecom-bot', ...limits(), url: `${target.base}/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa` });
    target.answer({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    const r = await bot.send(message(), never);
    expect(r.outcome).toBe('ok');
    const req = target.received.at(-1)!;
    expect(req.url).toBe('/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(req.body)).toEqual({ msgtype: 'text', text: { content: CONTENT, mentioned_list: ['wangxm'], mentioned_mobile_list: ['13800000011'] } });
    expect(r.exchange.request.url).toBe(`${target.base}/cgi-bin/webhook/send?key=***`);
    await bot.send(message({ recipient: { role: 'hr', id: null, name: null, phone: null, email: null, chatId: null }, subject: null }), never);
    expect(JSON.parse(target.received.at(-1)!.body)).toEqual({ msgtype: 'text', text: { content: TEXT } });
    expect(await outcomes(() => bot.send(message(), never), [
      [200, '{"errcode":45009,"errmsg":"api freq out of limit"}'],
      [200, '{"errcode":-1,"errmsg":"system busy"}'],
      [200, '{"errcode":93000,"errmsg":"invalid webhook url"}'],
      [200, '<html>proxy</html>'],
      [502, ''],
    ])).toEqual([
      '200 {"errcode":45009,"errmsg":"api freq out of limit"} → retryable',
      '200 {"errcode":-1,"errmsg":"system busy"} → retryable',
      '200 {"errcode":93000,"errmsg":"invalid webhook url"} → permanent',
      '200 <html>proxy</html> → permanent',
      '502  → retryable',
    ]);
    target.answer({ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' });
    expect(await bot.send(message(), never)).toMatchObject({ error: 'the WeCom bot wecom refused it: errcode 93000 (invalid webhook url)' });
  });

  it('DingTalk: timestamp and sign (HMAC-SHA256 of "timestamp\\nsecret") in the query, @ by mobile; 130101 retried, 310000 refused', async () => {
    const secret = 'SEC1f5e3c8b2a7d9e4f6a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f';
    const bot = new DingTalkBotChannel('dingtalk', { type: 'dingtalk-bot', ...limits(), url: `${target.base}/robot/send?access_token=0123456789abcdef0123456789abcdef`, secret });
    target.answer({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    const before = Date.now();
    const r = await bot.send(message(), never);
    expect(r.outcome).toBe('ok');
    const req = target.received.at(-1)!;
    const query = new URL(req.url, target.base).searchParams;
    expect(query.get('access_token')).toBe('0123456789abcdef0123456789abcdef');
    const timestamp = query.get('timestamp')!;
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(Date.now());
    expect(query.get('sign')).toBe(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
    expect(req.url).toContain(`&sign=${encodeURIComponent(query.get('sign')!)}`);
    expect(JSON.parse(req.body)).toEqual({
      msgtype: 'text', text: { content: `${CONTENT} @13800000011` }, at: { atMobiles: ['13800000011'], atUserIds: ['wangxm'], isAtAll: false },
    });
    const kept = JSON.stringify(r.exchange);
    expect(kept).not.toContain(secret);
    expect(kept).not.toContain('0123456789abcdef0123456789abcdef');
    expect(r.exchange.request.url).toBe(`${target.base}/robot/send?access_token=***&timestamp=${timestamp}&sign=***`);
    expect(await outcomes(() => bot.send(message(), never), [
      [200, '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}'],
      [200, '{"errcode":-1,"errmsg":"系统繁忙"}'],
      [200, '{"errcode":310000,"errmsg":"sign not match"}'],
      [500, ''],
    ])).toEqual([
      '200 {"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"} → retryable',
      '200 {"errcode":-1,"errmsg":"系统繁忙"} → retryable',
      '200 {"errcode":310000,"errmsg":"sign not match"} → permanent',
      '500  → retryable',
    ]);
  });

  it('Feishu: timestamp and sign (HMAC-SHA256 keyed by "timestamp\\nsecret" over nothing) in the body, @ by user id; 11232 retried, 19021 refused', async () => {
    const secret = 'qbPUkSxT8GQhJb4W3Tmz5e';
    const bot = new FeishuBotChannel('feishu', { type: 'feishu-bot', ...limits(), url: `${target.base}/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd`, secret });
    target.answer({ status: 200, body: '{"code":0,"msg":"success","data":{}}' });
    const before = Math.floor(Date.now() / 1000);
    const r = await bot.send(message(), never);
    expect(r.outcome).toBe('ok');
    const req = target.received.at(-1)!;
    expect(req.url).toBe('/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd');
    const body = JSON.parse(req.body) as { timestamp: string; sign: string };
    expect(Number(body.timestamp)).toBeGreaterThanOrEqual(before);
    expect(body).toEqual({
      timestamp: body.timestamp,
      sign: createHmac('sha256', `${body.timestamp}\n${secret}`).update(Buffer.alloc(0)).digest('base64'),
      msg_type: 'text',
      content: { text: `<at user_id="wangxm">王小明</at> ${CONTENT}` },
    });
    expect(r.exchange.request.url).toBe(`${target.base}/open-apis/bot/v2/hook/***`);
    expect(JSON.stringify(r.exchange)).not.toContain(secret);
    expect(await outcomes(() => bot.send(message(), never), [
      [200, '{"code":11232,"msg":"frequency limited"}'],
      [429, '{"code":99991400,"msg":"request trigger frequency limit"}'],
      [200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}'],
      [200, '{"code":9499,"msg":"Bad Request"}'],
    ])).toEqual([
      '200 {"code":11232,"msg":"frequency limited"} → retryable',
      '429 {"code":99991400,"msg":"request trigger frequency limit"} → retryable',
      '200 {"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"} → permanent',
      '200 {"code":9499,"msg":"Bad Request"} → permanent',
    ]);
  });
});
