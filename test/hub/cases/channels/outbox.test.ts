import { afterEach, describe, expect, it } from 'vitest';
import { HubError } from '../../../../hub/errors.js';
import { at } from '../story-harness.js';
import { refusedUrl } from './local-servers.js';
import { OutboxStory, RETRY } from './outbox-fixture.js';

const T = at('2026-06-15T11:00');

describe('outbox: sending a real case\'s messages', () => {
  let s: OutboxStory;
  afterEach(async () => {
    await s.close();
  });

  it('sends every queued message on its channel, to the address the directory has, and records each attempt', async () => {
    s = await new OutboxStory().start();
    const outbox = s.open();
    expect(s.states()).toEqual(['employee:sms queued 0', 'employee:wecom queued 0', 'manager:sms queued 0', 'manager:wecom queued 0', 'hr:sms queued 0', 'hr:wecom queued 0']);
    const round = await outbox.sendDue(T);
    expect(round).toMatchObject({ sent: 6, retrying: 0, failed: 0, undeliverable: 0, deferred: 0 });
    expect(s.states()).toEqual(['employee:sms sent 1', 'employee:wecom sent 1', 'manager:sms sent 1', 'manager:wecom sent 1', 'hr:sms sent 1', 'hr:wecom sent 1']);
    const sms = s.sms.received.map((r) => JSON.parse(r.body) as { to: string; text: string; clientMsgId: string });
    expect(sms.map((b) => b.to)).toEqual(['13800000011', '13800000001', '13800000099']);
    expect(sms[0]!.text).toBe('王小明，您好：系统未记录到您 2026-06-15 09:00 班次的打卡，也没有已批准的请假。请尽快到岗，或回复本消息说明情况。如有疑问请联系 陈经理。');
    expect(sms[0]!.clientMsgId).toBe(`case-${s.caseId}-msg-${s.id('employee', 'sms')}`);
    const bots = s.wecom.received.map((r) => JSON.parse(r.body) as { text: { mentioned_list?: string[]; mentioned_mobile_list?: string[] } });
    expect(bots.map((b) => [b.text.mentioned_list, b.text.mentioned_mobile_list])).toEqual([[['wangxm'], ['13800000011']], [['chen'], ['13800000001']], [['hr-zhang'], ['13800000099']]]);
    const [attempt] = outbox.store.attempts(s.id('employee', 'sms'));
    expect(attempt).toMatchObject({ attempt: 1, channel: 'sms', startedAt: T, finishedAt: T, outcome: 'ok', error: null, request: { method: 'POST', url: `${s.sms.base}/send` }, response: { status: 200, body: '{"code": "0"}' } });
    expect(outbox.store.receipts(s.id('employee', 'sms'))).toMatchObject({ sentAt: T, deliveredAt: null, readAt: null });
    expect(s.story.cases.timeline(s.caseId).filter((e) => e.kind === 'message_sent')).toHaveLength(6);
    // Nothing is due any more.
    expect(await outbox.sendDue(T + 3_600_000)).toMatchObject({ results: [], sent: 0 });
  });

  it('goes on with the other channels while one hangs, and holds that channel\'s other messages back with the failed one', async () => {
    s = await new OutboxStory().start();
    s.sms.answer('hang');
    const outbox = s.open({ channels: { sms: s.smsChannel({ timeoutMs: 400 }), wecom: s.wecomChannel() } }, 0.5);
    const started = Date.now();
    const round = await outbox.sendDue(T);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(round).toMatchObject({ sent: 3, retrying: 1, failed: 0, undeliverable: 0, deferred: 2 });
    expect(s.states()).toEqual(['employee:sms queued 1', 'employee:wecom sent 1', 'manager:sms queued 0', 'manager:wecom sent 1', 'hr:sms queued 0', 'hr:wecom sent 1']);
    // First failure: 60 s, with the jitter at 0.5 → 45 s; the held-back messages wait as long, no attempt counted.
    expect(s.messages().filter((m) => m.channel === 'sms').map((m) => m.nextTryMs! - T)).toEqual([45_000, 45_000, 45_000]);
    expect(outbox.store.attempts(s.id('employee', 'sms'))).toMatchObject([{ attempt: 1, outcome: 'retryable', error: 'no answer within 400 ms', response: null }]);
    expect(s.messages()[0]!.lastError).toBe('no answer within 400 ms');
  });

  it('backs off exponentially on the injected clock, then gives up after the attempts allowed', async () => {
    s = await new OutboxStory().start();
    const outbox = s.open({ channels: { sms: s.smsChannel({ url: await refusedUrl('/send'), retry: { ...RETRY, maxAttempts: 3 } }), wecom: s.wecomChannel() } });
    const first = s.id('employee', 'sms');
    await outbox.sendDue(T);
    expect(s.messages().find((m) => m.messageId === first)).toMatchObject({ state: 'queued', attempts: 1, nextTryMs: T + 60_000 });
    expect(await outbox.sendDue(T + 59_999)).toMatchObject({ results: [] });
    await outbox.sendDue(T + 60_000);
    expect(s.messages().find((m) => m.messageId === first)).toMatchObject({ state: 'queued', attempts: 2, nextTryMs: T + 60_000 + 120_000 });
    s.story.now = T + 180_000;
    const round = await outbox.sendDue(T + 180_000);
    expect(round.results[0]).toEqual({ messageId: first, channel: 'sms', attempt: 3, state: 'undeliverable', error: expect.stringMatching(/^gave up after 3 attempts; last: network error: ECONNREFUSED/) });
    expect(outbox.store.attempts(first).map((a) => [a.attempt, a.startedAt - T, a.outcome])).toEqual([[1, 0, 'retryable'], [2, 60_000, 'retryable'], [3, 180_000, 'retryable']]);
    // The others get their turns in later rounds and end the same way, three attempts each.
    for (let round = 0; round < 20 && s.messages().some((m) => m.state === 'queued'); round++) {
      s.story.now = Math.min(...s.messages().filter((m) => m.state === 'queued').map((m) => m.nextTryMs!));
      await outbox.sendDue(s.story.now);
    }
    expect(s.states().filter((x) => x.includes(':sms'))).toEqual(['employee:sms undeliverable 3', 'manager:sms undeliverable 3', 'hr:sms undeliverable 3']);
    expect(s.story.cases.timeline(s.caseId).filter((e) => e.kind === 'message_undeliverable')).toHaveLength(3);
  });

  it('gives up once the next attempt would come after the maximum age', async () => {
    s = await new OutboxStory().start();
    const outbox = s.open({ channels: { sms: s.smsChannel({ retry: { ...RETRY, maxAttempts: 100, maxAgeMs: 120_000 } }), wecom: s.wecomChannel() } });
    s.sms.answer({ status: 503, body: '' });
    await outbox.sendDue(T);
    await outbox.sendDue(T + 60_000);
    const m = s.messages().find((x) => x.messageId === s.id('employee', 'sms'))!;
    expect(m).toMatchObject({ state: 'undeliverable', attempts: 2 });
    expect(m.lastError).toBe('gave up after 2 attempts: the next would be more than 2 min after it was queued; last: the SMS gateway sms answered HTTP 503');
  });

  it('makes a message without an address, or on a channel not configured, undeliverable at once with the reason', async () => {
    s = await new OutboxStory().start();
    const outbox = s.open({ channels: { sms: s.smsChannel() }, recipients: { hr: { name: '人力资源部', phone: null, email: 'hr@example.cn', chatId: null }, union: null } });
    const round = await outbox.sendDue(T);
    expect(round).toMatchObject({ sent: 2, undeliverable: 4 });
    expect(s.states()).toEqual(['employee:sms sent 1', 'employee:wecom undeliverable 0', 'manager:sms sent 1', 'manager:wecom undeliverable 0', 'hr:sms undeliverable 0', 'hr:wecom undeliverable 0']);
    const byKey = new Map(s.messages().map((m) => [`${m.role}:${m.channel}`, m.lastError]));
    expect(byKey.get('hr:sms')).toBe('no phone number for HR (recipients.hr in the configuration)');
    expect(byKey.get('employee:wecom')).toBe('no channel "wecom" is configured');
    expect(outbox.store.attempts(s.id('hr', 'sms'))).toEqual([]);
  });

  it('takes delivery and read receipts once each, and never moves a message back', async () => {
    s = await new OutboxStory().start();
    const outbox = s.open();
    await outbox.sendDue(T);
    const sms = s.id('employee', 'sms');
    const wecom = s.id('employee', 'wecom');
    const state = (id: number): string => s.messages().find((m) => m.messageId === id)!.state;
    expect(outbox.markDelivered(sms, T + 5_000, 'sms-gateway callback')).toBe(true);
    expect(outbox.markDelivered(sms, T + 9_000, 'sms-gateway callback')).toBe(false);
    expect(state(sms)).toBe('delivered');
    expect(outbox.markRead(sms, T + 60_000, 'hr:zhang')).toBe(true);
    expect(outbox.markRead(sms, T + 70_000, 'hr:zhang')).toBe(false);
    expect(outbox.markDelivered(sms, T + 80_000, 'late callback')).toBe(false);
    expect(state(sms)).toBe('read');
    expect(outbox.store.receipts(sms)).toEqual({ sentAt: T, deliveredAt: T + 5_000, deliveredSource: 'sms-gateway callback', readAt: T + 60_000, readSource: 'hr:zhang', unreadEscalatedAt: null });
    // Read straight from sent: delivered by then at the latest.
    expect(outbox.markRead(wecom, T + 30_000, 'hr:zhang')).toBe(true);
    expect(outbox.markDelivered(wecom, T + 40_000, 'callback')).toBe(false);
    expect(state(wecom)).toBe('read');
    expect(outbox.store.receipts(wecom)).toMatchObject({ deliveredAt: T + 30_000, readAt: T + 30_000 });
    expect(s.story.cases.timeline(s.caseId).filter((e) => e.kind === 'message_read' || e.kind === 'message_delivered').map((e) => e.kind)).toEqual(['message_delivered', 'message_read', 'message_read']);
    expect(() => outbox.markRead(99_999, T, 'x')).toThrow(HubError);
  });

  it('sends an unread message to the employee on to the manager once, on the policy\'s unread channels', async () => {
    s = await new OutboxStory().start();
    const outbox = s.open();
    await outbox.sendDue(T);
    const unread = s.story.cases.store.messages(s.caseId);
    expect(unread).toHaveLength(6);
    outbox.markRead(s.id('employee', 'sms'), T + 600_000, 'hr:zhang');
    const policyUnread = { afterMinutes: 120, channels: ['wecom'] };
    expect(outbox.unreadEscalation(T + 119 * 60_000, policyUnread)).toEqual([]);
    const wecomId = s.id('employee', 'wecom');
    expect(outbox.unreadEscalation(T + 120 * 60_000, policyUnread)).toEqual([{ messageId: wecomId, caseId: s.caseId, managerId: 'M1', channels: ['wecom'] }]);
    expect(outbox.unreadEscalation(T + 121 * 60_000, policyUnread)).toEqual([]);
    const copies = s.messages().filter((m) => m.stepKey.startsWith('unread@'));
    expect(copies.map((m) => `${m.stepKey} ${m.role}:${m.recipientId}:${m.channel} ${m.state}`)).toEqual([`unread@${wecomId} manager:M1:wecom queued`]);
    expect(copies[0]!.text).toMatch(/^王小明 在 120 分钟内未阅读以下消息（wecom）：\n王小明，您好：/);
    s.story.now = T + 121 * 60_000;
    expect(await outbox.sendDue()).toMatchObject({ sent: 1 });
    expect(JSON.parse(s.wecom.received.at(-1)!.body)).toMatchObject({ text: { mentioned_list: ['chen'], mentioned_mobile_list: ['13800000001'] } });
    // The copy to the manager is not itself sent on again.
    expect(outbox.unreadEscalation(T + 600 * 60_000, policyUnread)).toEqual([]);
  });

  it('sends a message again, with the same idempotency key, when the hub stopped between sending and recording', async () => {
    s = await new OutboxStory().start();
    // The gateway takes the first SMS, and the hub dies before it hears back: its database is gone.
    s.sms.reply = () => {
      if (s.sms.received.length === 1) s.story.db.close();
      return { status: 200, body: '{"code": "0"}' };
    };
    const first = s.id('employee', 'sms');
    await s.open({ channels: { sms: s.smsChannel() } }).sendDue(T).catch(() => undefined);
    await s.story.restart();
    s.sms.reply = () => ({ status: 200, body: '{"code": "0"}' });
    const outbox = s.open({ channels: { sms: s.smsChannel() } });
    expect(s.messages().find((m) => m.messageId === first)).toMatchObject({ state: 'queued', attempts: 1 });
    // Held while the claim lasts (timeout + 60 s), then sent again.
    expect((await outbox.sendDue(T + 10_000)).results.filter((r) => r.messageId === first)).toEqual([]);
    s.story.now = T + 62_000;
    await outbox.sendDue(T + 62_000);
    expect(s.messages().find((m) => m.messageId === first)).toMatchObject({ state: 'sent', attempts: 2 });
    const keys = s.sms.received.map((r) => (JSON.parse(r.body) as { clientMsgId: string }).clientMsgId).filter((k) => k === `case-${s.caseId}-msg-${first}`);
    expect(keys).toHaveLength(2);
    expect(outbox.store.attempts(first).map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'abandoned', 'the hub stopped before the outcome was recorded; sent again with the same idempotency key'],
      [2, 'ok', null],
    ]);
  });
});
