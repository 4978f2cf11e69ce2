import { afterEach, describe, expect, it } from 'vitest';
import { addDays, datesBetween } from '../../../hub/time/local-date.js';
import { at, off, work } from './fakes.js';
import { harness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.close());

function attend(...dates: string[]): void {
  for (const d of dates) h.ports.punch('e1', d, '08:59', '18:01');
}

function thresholds() {
  return h
    .events()
    .filter((e) => e.kind !== 'no_show')
    .map((e) => ({ kind: e.kind, date: e.date, dates: JSON.parse(e.dates) as string[], state: e.state }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind));
}

describe('absenteeism thresholds through the engine', () => {
  it('raise a consecutive event exactly once per run, with the dates that reached it', () => {
    h = harness();
    // Absent Monday to Thursday, back from Friday on.
    attend('2026-03-06', ...datesBetween('2026-03-09', '2026-03-13'));
    h.daily('2026-03-02', '2026-03-13');
    expect(thresholds()).toEqual([{ kind: 'consecutive', date: '2026-03-02', dates: ['2026-03-02', '2026-03-03', '2026-03-04'], state: 'open' }]);
    expect(h.events('no_show').map((e) => e.date)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
  });

  it('raise the same events whether run daily or once after the fact', () => {
    const expected = [
      { kind: 'monthly', date: '2026-03-01', dates: ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-09'], state: 'open' },
      { kind: 'consecutive', date: '2026-03-02', dates: ['2026-03-02', '2026-03-03', '2026-03-04'], state: 'open' },
      { kind: 'consecutive', date: '2026-03-09', dates: ['2026-03-09', '2026-03-10', '2026-03-11'], state: 'open' },
    ];
    h = harness();
    attend('2026-03-06');
    h.daily('2026-03-02', '2026-03-13');
    expect(thresholds()).toEqual(expected);
    h.close();
    h = harness();
    attend('2026-03-06');
    h.ports.watermarks.set('s1', at('2026-03-14', '00:00'));
    h.engine.tick(at('2026-03-14', '00:00'));
    expect(thresholds()).toEqual(expected);
  });

  it('count a run across a weekend', () => {
    h = harness();
    attend('2026-03-02', '2026-03-03', '2026-03-04', '2026-03-10');
    h.daily('2026-03-02', '2026-03-10');
    expect(thresholds()).toEqual([{ kind: 'consecutive', date: '2026-03-05', dates: ['2026-03-05', '2026-03-06', '2026-03-09'], state: 'open' }]);
  });

  it('count a run across a holiday week', () => {
    h = harness(['e1'], { startDate: '2026-09-28' });
    for (const d of datesBetween('2026-10-01', '2026-10-07')) h.ports.plan(off('e1', d, 'holiday'));
    attend('2026-09-28', '2026-09-29');
    h.daily('2026-09-28', '2026-10-09');
    expect(thresholds()).toEqual([{ kind: 'consecutive', date: '2026-09-30', dates: ['2026-09-30', '2026-10-08', '2026-10-09'], state: 'open' }]);
  });

  it('break a run on a holiday when restBreaksRun is set', () => {
    h = harness(['e1'], { startDate: '2026-09-28', restBreaksRun: true });
    for (const d of datesBetween('2026-10-01', '2026-10-07')) h.ports.plan(off('e1', d, 'holiday'));
    attend('2026-09-28', '2026-09-29');
    h.daily('2026-09-28', '2026-10-09');
    expect(thresholds()).toEqual([]);
  });

  it('break a run on a leave day, and carry it over with leaveBreaksRun false', () => {
    // Monday absent, Tuesday on leave, Wednesday and Thursday absent.
    h = harness();
    h.ports.leaveDays('e1', '2026-03-03', '2026-03-03');
    h.daily('2026-03-02', '2026-03-05');
    expect(h.instances().map((i) => i.status)).toEqual(['absent', 'on_leave', 'absent', 'absent']);
    expect(thresholds()).toEqual([]);
    h.close();
    h = harness(['e1'], { leaveBreaksRun: false });
    h.ports.leaveDays('e1', '2026-03-03', '2026-03-03');
    h.daily('2026-03-02', '2026-03-05');
    expect(thresholds()).toEqual([{ kind: 'consecutive', date: '2026-03-02', dates: ['2026-03-02', '2026-03-04', '2026-03-05'], state: 'open' }]);
  });

  it('break a run on an attended day, late or with one punch included', () => {
    h = harness();
    h.ports.punch('e1', '2026-03-04', '11:00');
    h.ports.punch('e1', '2026-03-09', '10:00', '18:00');
    h.daily('2026-03-02', '2026-03-10');
    expect(h.instances().filter((i) => i.dayKind === 'work').map((i) => i.status)).toEqual(['absent', 'absent', 'missing_punch', 'absent', 'absent', 'late', 'absent']);
    expect(thresholds().filter((t) => t.kind === 'consecutive')).toEqual([]);
  });

  it('carry a run across days without a row, but not across a month of them', () => {
    for (const [gapDays, raised] of [[10, true], [31, false]] as const) {
      h = harness(['e1'], { startDate: '2026-03-02', thresholds: { monthly: 99 } });
      h.ports.schedule = (id, d) => (d >= '2026-03-04' && d < addDays('2026-03-04', gapDays) ? off(id, d, 'unassigned') : work(id, d));
      const back = addDays('2026-03-04', gapDays);
      h.ports.punch('e1', addDays(back, 1), '09:00', '18:00');
      h.daily('2026-03-02', addDays(back, 1));
      expect(h.instances().filter((i) => i.status === 'absent').map((i) => i.date)).toEqual(['2026-03-02', '2026-03-03', back]);
      expect(thresholds()).toEqual(raised ? [{ kind: 'consecutive', date: '2026-03-02', dates: ['2026-03-02', '2026-03-03', back], state: 'open' }] : []);
      h.close();
    }
  });

  it('split monthly counts at the month boundary, and raise each month once', () => {
    h = harness(['e1'], { startDate: '2026-03-23', thresholds: { consecutive: 10, monthly: 2 } });
    attend('2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27');
    h.daily('2026-03-23', '2026-04-03');
    expect(thresholds()).toEqual([
      { kind: 'monthly', date: '2026-03-01', dates: ['2026-03-30', '2026-03-31'], state: 'open' },
      { kind: 'monthly', date: '2026-04-01', dates: ['2026-04-01', '2026-04-02'], state: 'open' },
    ]);
  });
});
