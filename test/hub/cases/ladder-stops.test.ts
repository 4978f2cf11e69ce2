import { afterEach, describe, expect, it } from 'vitest';
import { at, EARLY_JUNE_WORKDAYS, JUNE_WORKDAYS, Story } from './story-harness.js';

/**
 * Stories that stop, pause or survive the ladder, under the default policy (shift 09:00-18:00,
 * grace 5 minutes; first reminder 11:00, second 13:00, daily 09:00 on working days; replies
 * pause reminders 24 hours). Expected steps written out by hand in each.
 */
describe('case ladder: replies, leave, restarts and refused notices', () => {
  let story: Story;
  afterEach(async () => {
    await story.close();
  });

  /** Everyone comes to work in June but E1, who stops on Monday 6.15; the case opens at 09:06. */
  const startAbsent = (s: Story): number => {
    s.attend(EARLY_JUNE_WORKDAYS);
    s.attend(JUNE_WORKDAYS, ['E1']);
    s.at('2026-06-14T23:00');
    s.at('2026-06-15T09:06');
    const [c, ...others] = s.cases.store.cases();
    expect(others).toEqual([]);
    expect(c).toMatchObject({ employeeId: 'E1', firstDate: '2026-06-15' });
    return c!.caseId;
  };

  it('a reply pauses the reminders for 24 hours, then they resume; a punch resolves the case and keeps the days counted', () => {
    story = new Story();
    story.punch('E1', '2026-06-17T09:20', '2026-06-17T18:10');
    const caseId = startAbsent(story);
    story.at('2026-06-15T11:00');
    story.now = at('2026-06-15T11:30');
    const c = story.cases.acknowledge(caseId, { via: 'wecom', text: '家里有急事，明天回来' });
    expect(c).toMatchObject({ state: 'acknowledged', pausedUntil: at('2026-06-16T11:30') });
    expect(story.cases.store.tasks(caseId).map((t) => t.title)).toEqual(['The employee replied: read it, decide, and resolve or keep the case open']);

    expect(story.at('2026-06-15T13:00').map((ch) => `${ch.change} ${ch.stepKey}: ${ch.detail}`)).toEqual([
      'step_skipped second-reminder: paused: the employee replied (until 2026-06-16T11:30:00+08:00)',
    ]);
    story.at('2026-06-16T09:00');
    story.at('2026-06-16T09:06');
    expect(story.cases.store.case(caseId)!.state).toBe('acknowledged');
    expect(story.at('2026-06-16T11:30').map((ch) => ch.change)).toEqual(['resumed']);
    story.at('2026-06-17T09:00');
    story.at('2026-06-17T09:06');
    const back = story.at('2026-06-17T09:21');
    expect(back.map((ch) => `${ch.change} ${ch.detail}`)).toEqual(['resolved returned: punched at 2026-06-17T09:20:00+08:00']);
    expect(story.steps(caseId)).toEqual([
      'first-reminder fired 2026-06-15T11:00',
      'second-reminder skipped 2026-06-15T13:00',
      'daily-reminder@2026-06-16 skipped 2026-06-16T09:00',
      'daily-reminder@2026-06-17 fired 2026-06-17T09:00',
      'daily-reminder@2026-06-18 cancelled 2026-06-18T09:00',
    ]);
    // The two missed days stay counted.
    story.at('2026-06-17T22:01');
    expect(story.hub.reports.absenceOf('E1', '2026-06-17')).toMatchObject({ consecutive: 0, monthly: 2 });
  });

  /** E1 misses Monday 6.15 only (the ladder runs that day) and is back at 08:55 on Tuesday. */
  const backOnTimeOn16th = (): number => {
    story = new Story();
    story.punch('E1', '2026-06-16T08:55', '2026-06-16T18:05');
    const caseId = startAbsent(story);
    for (const time of ['11:00', '13:00', '22:01']) story.at(`2026-06-15T${time}`);
    return caseId;
  };

  it('back on time the next morning: the 09:00 reminder finds his 08:55 punch and resolves the case instead of reminding him', () => {
    const caseId = backOnTimeOn16th();
    // No no-show for 6.16 is raised: there is none to resolve. The daily step finds the punch.
    expect(story.at('2026-06-16T09:00').map((ch) => `${ch.change} ${ch.detail ?? ''}`)).toEqual(['resolved returned: punched at 2026-06-16T08:55:00+08:00']);
    expect(story.steps(caseId)).toEqual([
      'first-reminder fired 2026-06-15T11:00',
      'second-reminder fired 2026-06-15T13:00',
      'daily-reminder@2026-06-16 cancelled 2026-06-16T09:00',
    ]);
    expect(story.cases.store.case(caseId)).toMatchObject({ state: 'resolved', resolution: 'returned', absentDays: 1 });
    expect(story.cases.store.messages(caseId).filter((m) => m.stepKey.startsWith('daily'))).toEqual([]);
  });

  it('back on a day no step came due: the day classified present that night resolves the case', () => {
    const caseId = backOnTimeOn16th();
    // Detection runs through the day while the case engine is held up until the evening.
    story.detect('2026-06-16T09:06');
    story.detect('2026-06-16T22:01');
    expect(story.at('2026-06-16T22:02').map((ch) => `${ch.change} ${ch.detail ?? ''}`)).toEqual(['resolved returned: came to work on 2026-06-16 (present)']);
    expect(story.cases.store.case(caseId)).toMatchObject({ state: 'resolved', resolution: 'returned', absentDays: 1 });
    expect(story.steps(caseId)).toContain('daily-reminder@2026-06-16 cancelled 2026-06-16T09:00');
    // Someone without an open case is not fed a row for every day they come to work.
    expect(story.db.prepare("SELECT count(*) FROM case_feed WHERE kind = 'attended'").pluck().get()).toBe(1);
  });

  it('leave approved on day 2 for days 1-3 withdraws the no-shows and resolves the case', () => {
    story = new Story();
    const caseId = startAbsent(story);
    story.at('2026-06-15T11:00');
    story.at('2026-06-15T22:01');
    story.at('2026-06-16T09:00');
    story.at('2026-06-16T09:06');
    story.now = at('2026-06-16T10:00');
    story.hub.leave.importLeave('employee,kind,from,to,reason,approved_by,approved_at\nE1,病假,2026-06-15,2026-06-17,急性肠胃炎,M1,2026-06-16T10:00:00+08:00\n', { fileName: 'sick.csv' });
    const changes = story.at('2026-06-16T10:01');
    expect(changes.map((ch) => `${ch.change} ${ch.detail}`)).toEqual([expect.stringMatching(/^resolved leave: /)]);
    expect(story.cases.store.case(caseId)).toMatchObject({ state: 'resolved', resolution: 'leave' });
    expect(story.steps(caseId)).toEqual([
      'first-reminder fired 2026-06-15T11:00',
      'second-reminder fired 2026-06-15T13:00',
      'daily-reminder@2026-06-16 fired 2026-06-16T09:00',
      'daily-reminder@2026-06-17 cancelled 2026-06-17T09:00',
    ]);
    expect(story.hub.reports.absenceOf('E1', '2026-06-16')).toMatchObject({ consecutive: 0, monthly: 0 });
    // 6.18 he is back: nothing opens.
    story.punch('E1', '2026-06-18T08:58', '2026-06-18T18:02');
    story.at('2026-06-18T09:06');
    expect(story.cases.store.cases().map((c) => c.caseId)).toEqual([caseId]);
  });

  it('leave approved for the first day only excuses that day and keeps the case open while he is still missing', () => {
    story = new Story();
    const caseId = startAbsent(story);
    story.at('2026-06-15T22:01');
    story.at('2026-06-16T09:06');
    story.now = at('2026-06-16T10:00');
    story.hub.leave.importLeave('employee,kind,from,to,reason,approved_by,approved_at\nE1,事假,2026-06-15,2026-06-15,家中急事,M1,2026-06-16T10:00:00+08:00\n', { fileName: 'one-day.csv' });
    expect(story.at('2026-06-16T10:01')).toEqual([]);
    expect(story.cases.store.case(caseId)).toMatchObject({ state: 'open', absentDays: 0 });
    expect(story.cases.timeline(caseId).filter((e) => e.kind === 'no_show_resolved' || e.kind === 'absent_day_withdrawn').map((e) => e.detail)).toEqual([
      { date: '2026-06-15', reason: 'leave #1 (personal) covers the shift' },
      { date: '2026-06-15', shiftId: 'day', status: 'on_leave' },
    ]);
    story.at('2026-06-16T22:01');
    expect(story.cases.store.case(caseId)!.absentDays).toBe(1);
  });

  it('the end of employment closes the case at its next step', () => {
    story = new Story();
    const caseId = startAbsent(story);
    story.at('2026-06-15T11:00');
    story.now = at('2026-06-16T17:00');
    // HR records that he resigned by letter on 6.16 (his last day).
    story.hub.directory.importEmployees('id,name,department,manager,site,hire_date,end_date,terminal_ids\nE1,王小明,生产部,M1,plant,2021-03-01,2026-06-16,plant:11\n', { fileName: 'leavers.csv' });
    story.at('2026-06-16T22:01');
    expect(story.cases.store.case(caseId)!.state).toBe('open');
    const changes = story.at('2026-06-17T09:00');
    expect(changes.map((ch) => `${ch.change} ${ch.detail}`)).toEqual(['resolved employment_ended: employment ended 2026-06-16']);
    expect(story.steps(caseId).filter((x) => x.includes('cancelled'))).toEqual(['daily-reminder@2026-06-17 cancelled 2026-06-17T09:00']);
  });

  it('a hub restart between steps neither loses nor repeats one: a step due while it was down fires once, late', async () => {
    story = new Story();
    const caseId = startAbsent(story);
    story.at('2026-06-15T11:00');
    await story.restart();
    story.at('2026-06-15T12:00');
    await story.restart();
    // Down from 12:00 to 13:30: the 13:00 step fires at 13:30.
    const changes = story.at('2026-06-15T13:30');
    expect(changes.map((ch) => `${ch.change} ${ch.stepKey}`)).toEqual(['step_fired second-reminder']);
    story.at('2026-06-15T13:31');
    const fired = story.cases.timeline(caseId).filter((e) => e.kind === 'step_fired').map((e) => `${e.stepKey} ${new Date(e.atMs).toISOString()}`);
    expect(fired).toEqual(['first-reminder 2026-06-15T03:00:00.000Z', 'second-reminder 2026-06-15T05:30:00.000Z']);
    expect(story.cases.store.messages(caseId)).toHaveLength(12);
    expect(story.cases.store.cases()).toHaveLength(1);
  });

  it('a notice refused at the door counts as served from that date; one returned undelivered starts nothing and asks HR to serve it', async () => {
    story = new Story();
    const caseId = startAbsent(story);
    for (const t of ['2026-06-15T22:01', '2026-06-16T22:01', '2026-06-17T22:01']) story.at(t);
    const [notice] = story.cases.store.notices(caseId);
    story.cases.notices.approve(notice!.noticeId, 'hr.zhang');
    expect(() => story.cases.notices.approve(notice!.noticeId, 'hr.zhang')).toThrow(/is approved, not a draft/);
    story.now = at('2026-06-22T16:00');
    story.cases.notices.delivered(notice!.noticeId, 'refused', '2026-06-22');
    expect(story.steps(caseId)).toContain('termination-draft scheduled 2026-06-26T00:00');
    expect(story.cases.timeline(caseId).filter((e) => e.kind === 'notice_refused').map((e) => e.detail)).toEqual([{ noticeId: notice!.noticeId, kind: 'return_to_work', date: '2026-06-22' }]);

    const other = new Story();
    try {
      const second = startAbsent(other);
      for (const t of ['2026-06-15T22:01', '2026-06-16T22:01', '2026-06-17T22:01']) other.at(t);
      const [n] = other.cases.store.notices(second);
      other.cases.notices.approve(n!.noticeId, 'hr.zhang');
      other.cases.notices.delivered(n!.noticeId, 'returned', '2026-06-23');
      expect(other.steps(second).some((s) => s.startsWith('termination-draft'))).toBe(false);
      expect(other.cases.store.tasks(second).map((t) => t.title)).toContain('The return-to-work notice came back undelivered: serve it another way');
    } finally {
      await other.close();
    }
  });

  it('takes several runs of detection in one batch: a case the batch resolves gets no notice step from an earlier row of it', () => {
    story = new Story();
    story.punch('E1', '2026-06-18T09:20', '2026-06-18T18:10');
    const caseId = startAbsent(story);
    for (const t of ['2026-06-15T22:01', '2026-06-16T09:06', '2026-06-16T22:01', '2026-06-17T09:06']) story.at(t);
    // The third absent day (which reaches the notice's threshold), the next day's no-show and his punch, all before the engine runs.
    story.detect('2026-06-17T22:01');
    story.detect('2026-06-18T09:06');
    const changes = story.at('2026-06-18T09:21');
    expect(changes.map((c) => `${c.change} ${c.detail ?? ''}`)).toEqual([
      'extended 2026-06-18 day',
      'resolved returned: punched at 2026-06-18T09:20:00+08:00',
    ]);
    expect(story.steps(caseId).filter((k) => k.startsWith('return-to-work'))).toEqual([]);
    expect(story.cases.store.case(caseId)).toMatchObject({ state: 'resolved', resolution: 'returned', absentDays: 3 });
  });
});
