import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../hub/cases/policy-file.js';
import { OutboxStory } from './channels/outbox-fixture.js';
import { at } from './story-harness.js';

/**
 * Story: 王小明 (E1) stops coming on Monday 6.15 and his phone is off all week. The SMS gateway and
 * the WeCom bot take every message (sent), but nothing to him is ever delivered or read. By hand:
 *
 * - 11:00 the first reminder queues 6 messages (him, manager, HR; sms and wecom), sent at 11:00.
 * - 13:00 his two are unread for 120 minutes: each goes once to his manager 陈经理 on wecom
 *   (2 messages, keyed unread@<original>); the 13:00 second reminder queues 6 more.
 * - 15:00 the second reminder's two to him are unread: 2 more to the manager. Nothing is escalated twice.
 * - The ladder does not wait for him: daily reminders 6.16 and 6.17 at 09:00, and on 6.17 at 22:01
 *   (third absent day) the return-to-work notice is drafted, for registered mail.
 */
describe('story: a week with the phone off', () => {
  const s = new OutboxStory();
  const unread = defaultPolicy().unread;
  const send = async (local: string): Promise<void> => {
    s.story.at(local);
    await s.outbox.sendDue(at(local));
    s.outbox.unreadEscalation(at(local), unread);
  };

  beforeAll(async () => {
    await s.start();
    s.open();
    s.story.attend(['2026-06-16', '2026-06-17', '2026-06-18'], ['E1']);
  });
  afterAll(async () => {
    s.outbox.close();
    await s.sms.close();
    await s.wecom.close();
    await s.story.close();
  });

  const toManager = () => s.story.cases.store.messages(s.caseId).filter((m) => m.stepKey.startsWith('unread@'));

  it('sends the reminders, then gives each unread one to his manager once, after 120 minutes', async () => {
    await send('2026-06-15T11:00');
    expect(s.story.cases.store.messages(s.caseId).map((m) => m.state)).toEqual(Array(6).fill('sent'));
    await send('2026-06-15T12:59');
    expect(toManager()).toEqual([]);
    await send('2026-06-15T13:00');
    const first = toManager();
    expect(first.map((m) => `${m.role}:${m.recipientId}:${m.channel}`)).toEqual(['manager:M1:wecom', 'manager:M1:wecom']);
    expect(first[0]!.text).toMatch(/^王小明 在 120 分钟内未阅读以下消息（sms）：\n王小明，您好：系统未记录到您 2026-06-15 09:00 班次的打卡/);
    await send('2026-06-15T15:00');
    await send('2026-06-15T17:00');
    expect(toManager()).toHaveLength(4);
  });

  it('keeps climbing the ladder all the same: daily reminders and the return-to-work notice', async () => {
    for (const t of ['2026-06-15T22:01', '2026-06-16T09:00', '2026-06-16T11:00', '2026-06-16T22:01', '2026-06-17T09:00', '2026-06-17T11:00', '2026-06-17T22:01']) await send(t);
    const messages = s.story.cases.store.messages(s.caseId);
    const his = messages.filter((m) => m.role === 'employee');
    expect(his.map((m) => m.stepKey)).toEqual([
      'first-reminder', 'first-reminder', 'second-reminder', 'second-reminder',
      'daily-reminder@2026-06-16', 'daily-reminder@2026-06-16', 'daily-reminder@2026-06-17', 'daily-reminder@2026-06-17',
    ]);
    expect(his.every((m) => m.state === 'sent')).toBe(true);
    // Every one of them went on to the manager, once.
    expect(toManager()).toHaveLength(8);
    expect(s.story.cases.store.notices(s.caseId).map((n) => `${n.kind} ${n.state} ${n.deliver.join('+')}`)).toEqual(['return_to_work draft registered_mail+wecom']);
  });
});
