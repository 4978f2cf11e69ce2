import { describe, expect, it } from 'vitest';
import { absentByMonth, absentRuns, countRules, dueConsecutive, dueMonthly, type DayStatus } from '../../../hub/detection/counting.js';
import type { FinalStatus } from '../../../hub/detection/types.js';
import { HubError } from '../../../hub/errors.js';
import { addDays } from '../../../hub/time/local-date.js';

/** Days from a compact list: `['2026-03-06 absent', '2026-03-07 rest', ...]`. */
function days(...items: string[]): DayStatus[] {
  return items.map((s) => {
    const [date, status] = s.split(' ') as [string, FinalStatus];
    return { date, status };
  });
}

const rules = countRules();

describe('absence runs', () => {
  it('are not broken by a weekend by default', () => {
    const d = days('2026-03-05 absent', '2026-03-06 absent', '2026-03-07 rest', '2026-03-08 rest', '2026-03-09 absent');
    expect(absentRuns(d, rules)).toEqual([['2026-03-05', '2026-03-06', '2026-03-09']]);
    expect(dueConsecutive(d, rules)).toEqual([{ kind: 'consecutive', date: '2026-03-05', dates: ['2026-03-05', '2026-03-06', '2026-03-09'] }]);
  });

  it('carry across a holiday week, and break on it with restBreaksRun', () => {
    const holidays = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'].map((d) => `${d} rest`);
    const d = days('2026-09-30 absent', ...holidays, '2026-10-08 absent', '2026-10-09 absent');
    expect(absentRuns(d, rules)).toEqual([['2026-09-30', '2026-10-08', '2026-10-09']]);
    expect(absentRuns(d, countRules({ restBreaksRun: true }))).toEqual([['2026-09-30'], ['2026-10-08', '2026-10-09']]);
    expect(dueConsecutive(d, countRules({ restBreaksRun: true }))).toEqual([]);
  });

  it('end on an attended day of any kind', () => {
    for (const status of ['present', 'late', 'early_leave', 'missing_punch']) {
      expect(absentRuns(days('2026-03-02 absent', '2026-03-03 absent', `2026-03-04 ${status}`, '2026-03-05 absent'), rules)).toEqual([['2026-03-02', '2026-03-03'], ['2026-03-05']]);
    }
  });

  it('end on a leave day by default, and skip it with leaveBreaksRun false', () => {
    const d = days('2026-03-02 absent', '2026-03-03 on_leave', '2026-03-04 absent', '2026-03-05 absent');
    expect(absentRuns(d, rules)).toEqual([['2026-03-02'], ['2026-03-04', '2026-03-05']]);
    expect(absentRuns(d, countRules({ leaveBreaksRun: false }))).toEqual([['2026-03-02', '2026-03-04', '2026-03-05']]);
  });

  it('end when more than 31 days pass without an absent day, whatever lies between', () => {
    const shutdown = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `2027-01-${String(from + i).padStart(2, '0')} rest`);
    // Absent on Dec 31, a shutdown, absent again 31 days later: one run; 32 days later: two.
    const within = days('2026-12-31 absent', ...shutdown(1, 30), '2027-01-31 absent');
    expect(absentRuns(within, rules)).toEqual([['2026-12-31', '2027-01-31']]);
    const beyond = days('2026-12-30 absent', ...shutdown(1, 30), '2027-01-31 absent');
    expect(absentRuns(beyond, rules)).toEqual([['2026-12-30'], ['2027-01-31']]);
    // Also across leave that does not break runs.
    const leave = days('2026-03-02 absent', ...Array.from({ length: 40 }, (_, i) => `${addDays('2026-03-03', i)} on_leave`), '2026-04-13 absent');
    expect(absentRuns(leave, countRules({ leaveBreaksRun: false }))).toEqual([['2026-03-02'], ['2026-04-13']]);
  });

  it('are due once per run, holding the dates that reached the threshold', () => {
    const d = days('2026-03-02 absent', '2026-03-03 absent', '2026-03-04 absent', '2026-03-05 absent', '2026-03-06 present', '2026-03-09 absent');
    expect(dueConsecutive(d, rules)).toEqual([{ kind: 'consecutive', date: '2026-03-02', dates: ['2026-03-02', '2026-03-03', '2026-03-04'] }]);
  });
});

describe('monthly counts', () => {
  it('split at the month boundary by the local date', () => {
    const d = ['2026-03-27', '2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02'];
    expect(absentByMonth(d)).toEqual(new Map([['2026-03', ['2026-03-27', '2026-03-30', '2026-03-31']], ['2026-04', ['2026-04-01', '2026-04-02']]]));
    expect(dueMonthly(d, rules)).toEqual([]);
    expect(dueMonthly(d, countRules({ thresholds: { monthly: 3 } }))).toEqual([{ kind: 'monthly', date: '2026-03-01', dates: ['2026-03-27', '2026-03-30', '2026-03-31'] }]);
  });

  it('count absent days separated by attendance, which does not reset a month', () => {
    const d = days('2026-03-02 absent', '2026-03-03 present', '2026-03-04 absent', '2026-03-05 present', '2026-03-10 absent', '2026-03-11 on_leave', '2026-03-12 absent', '2026-03-13 present', '2026-03-20 absent', '2026-03-23 absent');
    expect(dueMonthly(d.filter((x) => x.status === 'absent').map((x) => x.date), rules)).toEqual([{ kind: 'monthly', date: '2026-03-01', dates: ['2026-03-02', '2026-03-04', '2026-03-10', '2026-03-12', '2026-03-20'] }]);
    expect(dueConsecutive(d, rules)).toEqual([]);
  });
});

describe('countRules', () => {
  it('defaults to 3 consecutive and 5 a month, rest neutral, leave breaking', () => {
    expect(rules).toEqual({ thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true });
  });

  it('refuses thresholds that are not whole positive numbers', () => {
    expect(() => countRules({ thresholds: { consecutive: 0 } })).toThrow(HubError);
    expect(() => countRules({ thresholds: { monthly: 2.5 } })).toThrow(/thresholds.monthly is 2.5/);
  });
});
