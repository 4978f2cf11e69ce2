import { afterEach, describe, expect, it } from 'vitest';
import { DetectionReports } from '../../../hub/detection/reports.js';
import { datesBetween } from '../../../hub/time/local-date.js';
import { at } from './fakes.js';
import { harness, type Harness } from './harness.js';

let h: Harness;
let reports: DetectionReports;
afterEach(() => h.close());

/** e1 present the first week and absent the whole second; e2 absent on 2 and 3 March; e3 (sales) always present. */
function scenario(): void {
  h = harness(['e1', 'e2', 'e3']);
  h.ports.employeeList[2]!.department = 'sales';
  for (const d of datesBetween('2026-03-02', '2026-03-13')) {
    if (d < '2026-03-09') h.ports.punch('e1', d, '09:00', '18:00');
    if (d > '2026-03-03') h.ports.punch('e2', d, '09:00', '18:00');
    h.ports.punch('e3', d, '09:00', '18:00');
  }
  for (const d of datesBetween('2026-03-02', '2026-03-13')) {
    h.ports.watermarks.set('s1', at(d, '23:00'));
    h.engine.tick(at(d, '23:00'));
  }
  reports = new DetectionReports({ db: h.db, ports: h.ports });
}

describe('DetectionReports', () => {
  it('lists the no-shows of a date, per site', () => {
    scenario();
    expect(reports.dailyNoShows({ date: '2026-03-02' })).toEqual([
      expect.objectContaining({ kind: 'no_show', employeeId: 'e2', siteId: 's1', date: '2026-03-02', shiftId: 'day', dueMs: at('2026-03-02', '09:05'), state: 'open' }),
    ]);
    expect(reports.dailyNoShows({ date: '2026-03-02', site: 's1' })).toHaveLength(1);
    expect(reports.dailyNoShows({ date: '2026-03-02', site: 's2' })).toEqual([]);
    expect(reports.dailyNoShows({ date: '2026-03-10' }).map((e) => e.employeeId)).toEqual(['e1']);
  });

  it('gives per employee the absent days, the run still going at the end, and whole-month counts', () => {
    scenario();
    expect(reports.absences({ from: '2026-03-09', to: '2026-03-13' })).toEqual([
      {
        employeeId: 'e1', siteId: 's1', department: 'ops', absentDays: 5, absentDates: ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'],
        run: { days: 5, firstDate: '2026-03-09' }, months: [{ month: '2026-03', absentDays: 5 }], reachesConsecutive: true, reachesMonthly: true,
      },
      {
        employeeId: 'e2', siteId: 's1', department: 'ops', absentDays: 0, absentDates: [],
        run: { days: 0, firstDate: null }, months: [{ month: '2026-03', absentDays: 2 }], reachesConsecutive: false, reachesMonthly: false,
      },
    ]);
    // A run that began before the period still counts at its end.
    expect(reports.absences({ from: '2026-03-13', to: '2026-03-13' })[0]).toMatchObject({ employeeId: 'e1', absentDays: 1, run: { days: 5, firstDate: '2026-03-09' } });
    // At the end of the first week, e2's run was broken by attendance.
    expect(reports.absences({ from: '2026-03-02', to: '2026-03-06' })).toEqual([expect.objectContaining({ employeeId: 'e2', absentDays: 2, run: { days: 0, firstDate: null } })]);
    // Nothing stored after 13 March: the run is going for 30 more days, then over (counting.ts: MAX_GAP_DAYS).
    expect(reports.absences({ from: '2026-04-12', to: '2026-04-12' })).toEqual([expect.objectContaining({ employeeId: 'e1', absentDays: 0, run: { days: 5, firstDate: '2026-03-09' } })]);
    expect(reports.absences({ from: '2026-04-13', to: '2026-04-13' })).toEqual([]);
    expect(reports.absences({ from: '2026-03-02', to: '2026-03-13', department: 'sales' })).toEqual([]);
    expect(() => reports.absences({ from: '2026-03-13', to: '2026-03-02' })).toThrow(/after/);
  });

  it('sums per department, headcount included', () => {
    scenario();
    expect(reports.departmentAbsences({ from: '2026-03-02', to: '2026-03-13' })).toEqual([
      { department: 'ops', employees: 2, absentEmployees: 2, absentDays: 7, atConsecutiveThreshold: 1, atMonthlyThreshold: 1 },
      { department: 'sales', employees: 1, absentEmployees: 0, absentDays: 0, atConsecutiveThreshold: 0, atMonthlyThreshold: 0 },
    ]);
  });

  it('counts runs with the same options as the engine', () => {
    scenario();
    const strict = new DetectionReports({ db: h.db, ports: h.ports, restBreaksRun: true, thresholds: { consecutive: 6 } });
    expect(strict.absences({ from: '2026-03-09', to: '2026-03-13' })[0]).toMatchObject({ run: { days: 5 }, reachesConsecutive: false });
  });
});
