import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCaseBundle } from '../../../hub/evidence/bundle-export.js';
import { verifyBundle } from '../../../hub/evidence/bundle-verify.js';
import { at, EARLY_JUNE_WORKDAYS, JUNE_WORKDAYS, local, Story } from './story-harness.js';

/**
 * Story: 王小明 (E1) is on approved annual leave 6.1-6.14 and does not come back on Monday 6.15;
 * his phone stays off. Under the default policy (shift 09:00-18:00, grace 5 minutes, the 19th-21st
 * the Dragon Boat Festival), every step below is written out by hand:
 *
 * - 6.15 09:06 the no-show is due (09:05) and raised: the case opens on the 09:00 shift; the
 *   first reminder is due 11:00, the second 13:00, the first daily reminder 6.16 09:00.
 * - 11:00 first reminder: to him, his manager M1 and HR, on sms and wecom (6 messages).
 * - 13:00 second reminder (6 more) and an HR task to call.
 * - 6.15 22:00 the day's window closed: absent (1 in a row). 6.16 and 6.17 the same.
 * - 6.17 22:01 the third consecutive absent working day: the return-to-work notice is drafted
 *   (absent dates 6.15-6.17, 3 days from delivery) and HR is asked by email to approve it.
 * - 6.18 10:00 HR approves; 6.20 (a holiday) EMS delivers it: the deadline runs to the end of 6.23,
 *   so the termination draft is due 6.24 00:00.
 * - Daily reminders 09:00 on 6.16, 6.17, 6.18, 6.22 and 6.23 (the one of 6.22 counts 4 absent
 *   days in a row: 6.22 itself is not judged yet), skipped 6.19-6.21 (holidays); they go on until
 *   the case is resolved.
 */
describe('story: annual leave 6.1-6.14, then missing from 6.15', () => {
  const story = new Story();
  let caseId = 0;

  beforeAll(() => {
    story.hub.leave.importLeave('employee,kind,from,to,reason,approved_by,approved_at\nE1,年假,2026-06-01,2026-06-14,年假,M1,2026-05-20T10:00:00+08:00\n', { fileName: 'leave.csv' });
    story.attend([...EARLY_JUNE_WORKDAYS, ...JUNE_WORKDAYS], ['E1']);
  });
  afterAll(async () => {
    await story.close();
  });

  it('raises nothing during the leave', () => {
    story.at('2026-06-14T23:00');
    expect(story.cases.store.cases()).toEqual([]);
  });

  it('6.15 09:06: opens a case on the missed 09:00 shift and schedules the ladder', () => {
    story.at('2026-06-15T09:00');
    expect(story.cases.store.cases()).toEqual([]);
    const changes = story.at('2026-06-15T09:06');
    expect(changes).toEqual([{ caseId: expect.any(Number), employeeId: 'E1', change: 'opened', detail: '2026-06-15 day' }]);
    const [c] = story.cases.store.cases();
    caseId = c!.caseId;
    expect(c).toMatchObject({ employeeId: 'E1', siteId: 'plant', firstDate: '2026-06-15', firstShiftId: 'day', shiftStartMs: at('2026-06-15T09:00'), state: 'open' });
    expect(story.steps(caseId)).toEqual([
      'first-reminder scheduled 2026-06-15T11:00',
      'second-reminder scheduled 2026-06-15T13:00',
      'daily-reminder@2026-06-16 scheduled 2026-06-16T09:00',
    ]);
  });

  it('11:00 and 13:00: the two reminders, to him, his manager and HR on sms and wecom, and a task for HR', () => {
    story.at('2026-06-15T10:59');
    expect(story.cases.store.messages(caseId)).toEqual([]);
    story.at('2026-06-15T11:00');
    const first = story.cases.store.messages(caseId);
    expect(first.map((m) => `${m.role}:${m.recipientId}:${m.channel}`)).toEqual(['employee:E1:sms', 'employee:E1:wecom', 'manager:M1:sms', 'manager:M1:wecom', 'hr:null:sms', 'hr:null:wecom']);
    expect(first[0]!.text).toBe('王小明，您好：系统未记录到您 2026-06-15 09:00 班次的打卡，也没有已批准的请假。请尽快到岗，或回复本消息说明情况。如有疑问请联系 陈经理。');
    story.at('2026-06-15T13:00');
    expect(story.cases.store.messages(caseId).filter((m) => m.stepKey === 'second-reminder')).toHaveLength(6);
    expect(story.cases.store.tasks(caseId).map((t) => [t.title, local(t.dueMs!)])).toEqual([['Call the employee and their emergency contact; record what you learn', '2026-06-15T17:00']]);
  });

  it('6.17 22:01: the third absent working day drafts the return-to-work notice for HR to approve', () => {
    for (const t of ['2026-06-15T22:01', '2026-06-16T09:00', '2026-06-16T09:06', '2026-06-16T22:01', '2026-06-17T09:00', '2026-06-17T09:06']) story.at(t);
    expect(story.cases.store.notices(caseId)).toEqual([]);
    expect(story.hub.reports.absenceOf('E1', '2026-06-16')).toEqual({ consecutive: 2, monthly: 2, dates: ['2026-06-15', '2026-06-16'] });
    // Read for several employees at once (as the engine reads them for a batch), the same counts each.
    expect(Object.fromEntries(story.hub.reports.absenceOfMany(['E1', 'E2', 'M1'], '2026-06-16'))).toEqual({
      E1: { consecutive: 2, monthly: 2, dates: ['2026-06-15', '2026-06-16'] },
      E2: story.hub.reports.absenceOf('E2', '2026-06-16'),
      M1: story.hub.reports.absenceOf('M1', '2026-06-16'),
    });
    const changes = story.at('2026-06-17T22:01');
    expect(changes.map((c) => `${c.change} ${c.stepKey ?? ''}`)).toEqual(['step_scheduled return-to-work-notice', 'step_fired return-to-work-notice']);
    const [notice] = story.cases.store.notices(caseId);
    expect(notice).toMatchObject({
      kind: 'return_to_work', state: 'draft', deliver: ['registered_mail', 'wecom'], deadlineDays: 3,
      facts: { employeeId: 'E1', employeeName: '王小明', absentDates: ['2026-06-15', '2026-06-16', '2026-06-17'], deadlineDays: 3, postalAddress: '上海市闵行区样板路 12 号 301 室' },
    });
    expect(story.cases.store.messages(caseId).filter((m) => m.stepKey === 'return-to-work-notice').map((m) => `${m.role}:${m.channel}:${m.text}`)).toEqual([
      'hr:email:王小明 已连续缺勤 3 个工作日。限期返岗通知书草稿已生成，请审批后寄送。',
    ]);
  });

  it('approval 6.18, delivery 6.20: the termination draft waits for the end of the 3-day deadline, 6.23', () => {
    story.at('2026-06-18T09:00');
    const [notice] = story.cases.store.notices(caseId);
    story.now = at('2026-06-18T10:00');
    story.cases.notices.approve(notice!.noticeId, 'hr.zhang');
    for (const t of ['2026-06-18T22:01', '2026-06-19T09:00', '2026-06-20T09:00']) story.at(t);
    story.now = at('2026-06-20T15:00');
    story.cases.notices.delivered(notice!.noticeId, 'delivered', '2026-06-20');
    expect(story.steps(caseId)).toContain('termination-draft scheduled 2026-06-24T00:00');
    for (const t of ['2026-06-21T09:00', '2026-06-22T09:00', '2026-06-22T22:01', '2026-06-23T09:00', '2026-06-23T22:01', '2026-06-23T23:59']) story.at(t);
    expect(story.cases.store.notices(caseId).map((n) => n.kind)).toEqual(['return_to_work']);
    const changes = story.at('2026-06-24T00:00');
    expect(changes.map((c) => `${c.change} ${c.stepKey ?? ''}`)).toEqual(['step_fired termination-draft']);
    expect(story.cases.store.notices(caseId).map((n) => `${n.kind} ${n.state}`)).toEqual(['return_to_work delivered', 'termination draft']);
    expect(story.cases.store.messages(caseId).filter((m) => m.stepKey === 'termination-draft').map((m) => `${m.role}:${m.channel}`)).toEqual(['union:email']);
  });

  it('daily reminders fired on working days only, each once', () => {
    expect(story.steps(caseId).filter((s) => s.startsWith('daily-reminder'))).toEqual([
      'daily-reminder@2026-06-16 fired 2026-06-16T09:00',
      'daily-reminder@2026-06-17 fired 2026-06-17T09:00',
      'daily-reminder@2026-06-18 fired 2026-06-18T09:00',
      'daily-reminder@2026-06-19 skipped 2026-06-19T09:00',
      'daily-reminder@2026-06-20 skipped 2026-06-20T09:00',
      'daily-reminder@2026-06-21 skipped 2026-06-21T09:00',
      'daily-reminder@2026-06-22 fired 2026-06-22T09:00',
      'daily-reminder@2026-06-23 fired 2026-06-23T09:00',
      'daily-reminder@2026-06-24 scheduled 2026-06-24T09:00',
    ]);
    expect(story.cases.store.messages(caseId).filter((m) => m.stepKey.startsWith('daily-reminder@2026-06-22') && m.role === 'employee')[0]!.text).toBe(
      '王小明，截至今日您已有 4 个工作日未到岗且未请假。请尽快返岗，或回复本消息说明原因。',
    );
  });

  it('recorded every fact of the case in the evidence log: an exported bundle verifies, and an edited entry does not', () => {
    const timeline = story.cases.timeline(caseId);
    const entries = story.evidence.caseEntries(caseId);
    // The timeline is the evidence plus the ladder's own bookkeeping (steps scheduled and skipped), shown to HR only.
    expect(entries.map((e) => e.kind)).toEqual(timeline.filter((t) => t.kind !== 'step_scheduled' && t.kind !== 'step_skipped').map((t) => `case.${t.kind}`));
    // The Dragon Boat Festival, 6.19-21.
    expect(timeline.filter((t) => t.kind === 'step_skipped').map((t) => `${t.stepKey} ${String(t.detail.reason)}`)).toEqual([
      'daily-reminder@2026-06-19 2026-06-19 is not a working day of the employee',
      'daily-reminder@2026-06-20 2026-06-20 is not a working day of the employee',
      'daily-reminder@2026-06-21 2026-06-21 is not a working day of the employee',
    ]);
    const out = story.dir.file('bundle');
    exportCaseBundle(story.evidence, caseId, out);
    expect(verifyBundle(out, { expectedKeyId: story.evidence.key.keyId })).toMatchObject({ ok: true, problems: [], entries: entries.length + 1 });
    const opened = JSON.parse(readFileSync(`${out}/entries/${entries[0]!.index}.json`, 'utf8')) as { kind: string; data: { date: string } };
    expect(opened).toMatchObject({ kind: 'case.opened', data: { date: '2026-06-15', shiftId: 'day' } });
    writeFileSync(`${out}/entries/${entries[0]!.index}.json`, JSON.stringify({ ...opened, data: { ...opened.data, date: '2026-06-16' } }));
    expect(verifyBundle(out).ok).toBe(false);
  });
});
