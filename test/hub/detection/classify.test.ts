import { describe, expect, it } from 'vitest';
import { classifyDayOff, classifyShift } from '../../../hub/detection/classify.js';
import { leaveCover } from '../../../hub/detection/leave-cover.js';
import type { DayPlan, ShiftInstance } from '../../../hub/model/day-plan.js';
import type { LeaveInterval } from '../../../hub/model/leave.js';
import { at, off, work } from './fakes.js';

const D = '2026-03-02';
const AFTER = at('2026-03-04', '00:00');
type WorkPlan = DayPlan & { shift: ShiftInstance };

function day(start = '09:00', end = '18:00', graceLate = 5, graceEarly = 5): WorkPlan {
  return work('e1', D, start, end, { graceLate, graceEarly }) as WorkPlan;
}

function leave(startMs: number, endMs: number, leaveId = 1): LeaveInterval {
  return { leaveId, employeeId: 'e1', startMs, endMs, kind: 'annual' };
}

/** Classifies with the leave merged over the shift, as the engine does. */
function classify(plan: WorkPlan, punchTimes: number[], leaves: LeaveInterval[], decisionMs: number) {
  return classifyShift(plan, punchTimes, leaveCover(plan.shift.startMs, plan.shift.endMs, leaves), decisionMs);
}

function judge(punches: string[], leaves: LeaveInterval[] = [], plan = day()) {
  return classify(plan, punches.map((c) => at(D, c)), leaves, AFTER);
}

describe('classifyShift', () => {
  it('is present when the punches are inside the grace on both ends', () => {
    expect(judge(['08:50', '18:01'])).toMatchObject({ status: 'present', lateMinutes: 0, earlyMinutes: 0, punchCount: 2, firstPunchMs: at(D, '08:50'), lastPunchMs: at(D, '18:01') });
    expect(judge(['09:04:59', '17:55'])).toMatchObject({ status: 'present', lateMinutes: 0, earlyMinutes: 0 });
    expect(judge(['09:05', '18:00']).status).toBe('present');
  });

  it('is late after the grace, counting started minutes from the start', () => {
    expect(judge(['09:05:01', '18:00'])).toMatchObject({ status: 'late', lateMinutes: 6, earlyMinutes: 0 });
    expect(judge(['09:20', '18:30'])).toMatchObject({ status: 'late', lateMinutes: 20 });
  });

  it('is an early leave when the last punch is before end minus the grace', () => {
    expect(judge(['08:55', '17:40'])).toMatchObject({ status: 'early_leave', lateMinutes: 0, earlyMinutes: 20 });
    expect(judge(['08:55', '17:54:30'])).toMatchObject({ status: 'early_leave', earlyMinutes: 6 });
  });

  it('reports late and early together as late with early minutes', () => {
    expect(judge(['09:30', '17:00'])).toMatchObject({ status: 'late', lateMinutes: 30, earlyMinutes: 60 });
  });

  it('takes the first and last of several punches', () => {
    expect(judge(['08:58', '12:00', '13:00', '18:02'])).toMatchObject({ status: 'present', punchCount: 4, firstPunchMs: at(D, '08:58'), lastPunchMs: at(D, '18:02') });
  });

  it('is missing_punch with one punch, not absent, and judges no minutes', () => {
    expect(judge(['10:30'])).toMatchObject({ status: 'missing_punch', punchCount: 1, lateMinutes: 0, earlyMinutes: 0, firstPunchMs: at(D, '10:30'), lastPunchMs: at(D, '10:30') });
  });

  it('counts taps repeated within five minutes as one punch: missing_punch, not early leave', () => {
    expect(judge(['08:25', '08:25', '08:29'])).toMatchObject({ status: 'missing_punch', punchCount: 3, lateMinutes: 0, earlyMinutes: 0 });
    expect(judge(['08:25', '08:31'])).toMatchObject({ status: 'early_leave' });
  });

  it('is absent with no punch', () => {
    expect(judge([])).toMatchObject({ status: 'absent', punchCount: 0, firstPunchMs: null, lastPunchMs: null, leaveMinutes: 0 });
  });

  it('is on_leave when leave covers the whole shift, punches or not', () => {
    expect(judge([], [leave(at(D, '00:00'), at('2026-03-03', '00:00'))])).toMatchObject({ status: 'on_leave', leaveMinutes: 540 });
    expect(judge(['09:00', '18:00'], [leave(at(D, '09:00'), at(D, '18:00'))]).status).toBe('on_leave');
    // Two back-to-back leaves cover like one.
    expect(judge([], [leave(at(D, '13:00'), at(D, '18:00'), 2), leave(at(D, '09:00'), at(D, '13:00'), 1)])).toMatchObject({ status: 'on_leave', leaveMinutes: 540 });
  });

  it('moves the expected start past leave covering the start', () => {
    const morning = [leave(at(D, '09:00'), at(D, '12:00'))];
    expect(judge(['12:04', '18:00'], morning)).toMatchObject({ status: 'present', lateMinutes: 0, leaveMinutes: 180 });
    expect(judge(['12:10', '18:00'], morning)).toMatchObject({ status: 'late', lateMinutes: 10, leaveMinutes: 180 });
  });

  it('moves the expected end before leave covering the end', () => {
    const afternoon = [leave(at(D, '15:00'), at(D, '18:00'))];
    expect(judge(['09:00', '15:00'], afternoon)).toMatchObject({ status: 'present', earlyMinutes: 0, leaveMinutes: 180 });
    expect(judge(['09:00', '14:30'], afternoon)).toMatchObject({ status: 'early_leave', earlyMinutes: 30 });
  });

  it('counts overlapping leave once and leaves a leave in the middle off the expected times', () => {
    const middle = [leave(at(D, '11:00'), at(D, '13:00'), 1), leave(at(D, '12:00'), at(D, '14:00'), 2)];
    expect(judge(['09:10', '18:00'], middle)).toMatchObject({ status: 'late', lateMinutes: 10, leaveMinutes: 180 });
  });

  it('is absent with leave minutes when partial leave and no punch', () => {
    expect(judge([], [leave(at(D, '09:00'), at(D, '12:00'))])).toMatchObject({ status: 'absent', leaveMinutes: 180 });
    expect(judge([], [leave(at(D, '15:00'), at(D, '18:00'))])).toMatchObject({ status: 'absent', leaveMinutes: 180 });
  });

  it('ignores leave that touches no part of the shift', () => {
    const before = leave(at(D, '00:00'), at(D, '09:00'));
    const after = leave(at(D, '18:00'), at('2026-03-03', '09:00'), 2);
    expect(judge(['09:10', '17:30'], [before, after])).toMatchObject({ status: 'late', lateMinutes: 10, earlyMinutes: 30, leaveMinutes: 0 });
    expect(judge([], [before, after])).toMatchObject({ status: 'absent', leaveMinutes: 0 });
  });

  it('is pending until the decision time passes the window end, then final', () => {
    const plan = day();
    const windowEnd = plan.shift.windowEndMs;
    // Not over: nothing to store, so nothing but the status (punches so far are the no-show's business).
    expect(classify(plan, [at(D, '08:55')], [], windowEnd - 1)).toEqual({ status: 'pending' });
    expect(classify(plan, [], [], windowEnd - 1).status).toBe('pending');
    expect(classify(plan, [], [], windowEnd).status).toBe('absent');
  });

  it('keeps a night shift on its start date: 22:00-06:00 with punches 21:55 and 06:03', () => {
    const night = work('e1', D, '22:00', '06:00') as WorkPlan;
    const c = classify(night, [at(D, '21:55'), at('2026-03-03', '06:03')], [], AFTER);
    expect(c).toMatchObject({ date: D, shiftId: 'night', status: 'present', lateMinutes: 0, earlyMinutes: 0, endMs: at('2026-03-03', '06:00') });
  });

  it('uses each shift its own grace', () => {
    expect(classify(day('09:00', '18:00', 0, 0), [at(D, '09:00:01'), at(D, '17:59:59')], [], AFTER)).toMatchObject({ status: 'late', lateMinutes: 1, earlyMinutes: 1 });
    expect(classify(day('09:00', '18:00', 15, 0), [at(D, '09:15'), at(D, '18:00')], [], AFTER).status).toBe('present');
  });
});

describe('classifyDayOff', () => {
  it('keeps whether the day is a rest day or a holiday, and is final once the day ended', () => {
    const dayEnd = at('2026-03-03', '00:00');
    expect(classifyDayOff(off('e1', D), 'rest', dayEnd, dayEnd)).toMatchObject({ status: 'rest', dayKind: 'rest', shiftId: '', punchCount: 0 });
    expect(classifyDayOff(off('e1', D, 'holiday'), 'holiday', dayEnd, dayEnd)).toMatchObject({ status: 'rest', dayKind: 'holiday' });
    expect(classifyDayOff(off('e1', D), 'rest', dayEnd, dayEnd - 1).status).toBe('pending');
  });
});
