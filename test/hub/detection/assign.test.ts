import { describe, expect, it } from 'vitest';
import { assignPunches, type PunchTarget } from '../../../hub/detection/assign.js';
import { at, punchTimes, work, type EmployeePunch } from './fakes.js';

function target(employeeId: string, date: string, start: string, end: string): PunchTarget {
  return { employeeId, shift: work(employeeId, date, start, end).shift! };
}

function punch(employeeId: string, date: string, clock: string): EmployeePunch {
  return { employeeId, atMs: at(date, clock) };
}

describe('assignPunches', () => {
  it('gives a punch in overlapping windows to the instance whose start or end is nearest', () => {
    // Night 22:00-06:00 (window 18:00-10:00) followed by a day shift 08:00-17:00 (window 04:00-21:00).
    const night = target('e1', '2026-03-02', '22:00', '06:00');
    const day = target('e1', '2026-03-03', '08:00', '17:00');
    expect(night.shift.windowEndMs).toBeGreaterThan(day.shift.windowStartMs);
    const punches = [
      punch('e1', '2026-03-02', '21:55'),
      punch('e1', '2026-03-03', '06:03'),
      punch('e1', '2026-03-03', '06:59'),
      punch('e1', '2026-03-03', '07:50'),
      punch('e1', '2026-03-03', '17:04'),
    ];
    const [forDay, forNight] = assignPunches([day, night], punchTimes(punches));
    expect(forNight).toEqual([at('2026-03-02', '21:55'), at('2026-03-03', '06:03'), at('2026-03-03', '06:59')]);
    expect(forDay).toEqual([at('2026-03-03', '07:50'), at('2026-03-03', '17:04')]);
  });

  it('breaks an exact tie towards the earlier instance', () => {
    const night = target('e1', '2026-03-02', '22:00', '06:00');
    const day = target('e1', '2026-03-03', '08:00', '17:00');
    const [forDay, forNight] = assignPunches([day, night], punchTimes([punch('e1', '2026-03-03', '07:00')]));
    expect(forNight).toEqual([at('2026-03-03', '07:00')]);
    expect(forDay).toBeUndefined();
  });

  it('drops punches outside every window and keeps employees apart', () => {
    const a = target('e1', '2026-03-02', '09:00', '18:00');
    const b = target('e2', '2026-03-02', '09:00', '18:00');
    const got = assignPunches([a, b], punchTimes([punch('e1', '2026-03-02', '04:59'), punch('e1', '2026-03-02', '22:01'), punch('e2', '2026-03-02', '18:30'), punch('e3', '2026-03-02', '09:00')]));
    expect(got).toEqual([undefined, [at('2026-03-02', '18:30')]]);
    // The window's edges belong to it.
    expect(assignPunches([a], punchTimes([punch('e1', '2026-03-02', '05:00'), punch('e1', '2026-03-02', '22:00')]))[0]).toHaveLength(2);
  });

  it('sorts each instance punches whatever order they arrive in', () => {
    const a = target('e1', '2026-03-02', '09:00', '18:00');
    const got = assignPunches([a], punchTimes([punch('e1', '2026-03-02', '18:00'), punch('e1', '2026-03-02', '09:00'), punch('e1', '2026-03-02', '12:00')]));
    expect(got[0]).toEqual([at('2026-03-02', '09:00'), at('2026-03-02', '12:00'), at('2026-03-02', '18:00')]);
  });
  it('splits one person\'s punches between instances whose windows are apart, listed in any order', () => {
    // Day shifts 09:00-18:00 (windows 05:00-22:00) on three dates: the windows never meet.
    const mon = target('e1', '2026-03-02', '09:00', '18:00');
    const tue = target('e1', '2026-03-03', '09:00', '18:00');
    const wed = target('e1', '2026-03-04', '09:00', '18:00');
    const other = target('e2', '2026-03-03', '09:00', '18:00');
    const punches = [
      punch('e1', '2026-03-02', '04:00'),
      punch('e1', '2026-03-02', '08:55'),
      punch('e1', '2026-03-02', '18:05'),
      punch('e1', '2026-03-02', '23:30'),
      punch('e1', '2026-03-04', '05:00'),
      punch('e1', '2026-03-04', '22:00'),
      punch('e2', '2026-03-03', '09:01'),
    ];
    const [forWed, forOther, forMon, forTue] = assignPunches([wed, other, mon, tue], punchTimes(punches));
    expect(forMon).toEqual([at('2026-03-02', '08:55'), at('2026-03-02', '18:05')]);
    expect(forTue).toBeUndefined();
    expect(forWed).toEqual([at('2026-03-04', '05:00'), at('2026-03-04', '22:00')]);
    expect(forOther).toEqual([at('2026-03-03', '09:01')]);
  });
});
