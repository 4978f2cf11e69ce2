/**
 * Classification of one shift instance. HR acts on these numbers, so the rules are written here
 * in full and each one has a test.
 *
 * 1. Unit. One row per shift instance, keyed (employee, date, shift). The date is the local date
 *    the shift starts on: a 22:00-06:00 shift belongs to the evening's date. Rest days and
 *    holidays get a row with status `rest` and `dayKind` `rest` or `holiday` (punches on them are
 *    not attributed: overtime is not detection's business). Days before hire, after leaving, or
 *    with no schedule assignment get no row at all.
 * 2. Punches. A punch belongs to the instance whose window holds it; where the windows of two
 *    consecutive instances of one person overlap, to the one whose start or end is nearest, an
 *    exact tie to the earlier one (assign.ts): after a 22:00-06:00 shift, 06:03 closes it and
 *    07:50 opens an 08:00 shift. `firstPunchMs`/`lastPunchMs` are the earliest and latest punch.
 * 3. Pending. While the window has not closed, or the site's watermark has not passed the window's
 *    end (decisionMs = min(now, watermark) < windowEndMs), the status is `pending`: punches may
 *    still arrive. Only final instances are stored.
 * 4. Leave. Approved leave covering the whole shift: `on_leave`, whatever the punches. Partial leave
 *    excuses the covered part: leave covering the start moves the expected start to the leave's
 *    end, leave covering the end moves the expected end to the leave's start; `leaveMinutes` is
 *    the covered part of the shift (overlapping leaves counted once).
 * 5. No punch: `absent`, also with partial leave (`leaveMinutes` > 0 then says the rest of the
 *    shift was excused but the person never came for the part that was not).
 * 6. One punch: `missing_punch`. The person came, so it is not an absence; with a single punch we
 *    cannot tell arrival from departure, so late and early minutes stay 0. Punches that all lie
 *    within REPEAT_TAP_MINUTES of the first are one tap repeated (a badge held twice to the
 *    reader), so they count as one punch here: twice at 08:25 and never in the evening is a
 *    missing punch, not an early leave.
 * 7. Two or more punches: late when the first punch is after expected start + graceLate
 *    (exactly at the grace limit is on time); early leave when the last punch is before expected
 *    end − graceEarly. `lateMinutes`/`earlyMinutes` count from the expected start/end, not from
 *    the grace limit, and a started minute counts (08:05:30 with an 08:00 start is 6 minutes).
 *    Both late and early: status `late` with `earlyMinutes` > 0, so one status stays per instance
 *    and neither fact is lost.
 * 8. Minutes of leave are rounded to the nearest minute.
 * 9. Once stored, an instance is final: the engine does not judge it again; `reclassify` (leave
 *    approved later, a corrected punch, a schedule change) does, and the row's `version` grows
 *    when its status changes.
 *
 * No-shows: no-show.ts. Absent-day runs, monthly counts and thresholds: counting.ts.
 */
import type { DayPlan, ShiftInstance } from '../model/day-plan.js';
import type { LeaveCover } from './leave-cover.js';
import { PENDING, type FinalStatus, type Judgement } from './types.js';

const MINUTE_MS = 60_000;
/** Punches this close to the first one are the same tap repeated. */
export const REPEAT_TAP_MINUTES = 5;

/** Classifies a work plan from its assigned punch instants (ascending) and how leave covers it (null: no leave over it). */
export function classifyShift(plan: DayPlan & { shift: ShiftInstance }, punchTimes: readonly number[], cover: LeaveCover | null, decisionMs: number): Judgement {
  const s = plan.shift;
  if (decisionMs < s.windowEndMs) return PENDING;
  const expectedStartMs = cover === null ? s.startMs : cover.expectedStartMs;
  const expectedEndMs = cover === null ? s.endMs : cover.expectedEndMs;
  const first = punchTimes[0];
  const last = punchTimes[punchTimes.length - 1];
  let status: FinalStatus;
  let lateMinutes = 0;
  let earlyMinutes = 0;
  if (cover !== null && cover.whole) status = 'on_leave';
  else if (first === undefined || last === undefined) status = 'absent';
  else if (last - first <= REPEAT_TAP_MINUTES * MINUTE_MS) status = 'missing_punch';
  else {
    if (first > expectedStartMs + s.graceLateMinutes * MINUTE_MS) lateMinutes = Math.ceil((first - expectedStartMs) / MINUTE_MS);
    if (last < expectedEndMs - s.graceEarlyMinutes * MINUTE_MS) earlyMinutes = Math.ceil((expectedEndMs - last) / MINUTE_MS);
    status = lateMinutes > 0 ? 'late' : earlyMinutes > 0 ? 'early_leave' : 'present';
  }
  return {
    employeeId: plan.employeeId,
    date: plan.date,
    shiftId: s.shiftId,
    dayKind: 'work',
    status,
    startMs: s.startMs,
    endMs: s.endMs,
    firstPunchMs: first ?? null,
    lastPunchMs: last ?? null,
    punchCount: punchTimes.length,
    lateMinutes,
    earlyMinutes,
    leaveMinutes: cover === null ? 0 : Math.round(cover.coveredMs / MINUTE_MS),
  };
}

/** A rest or holiday day: final once its local day has ended at decision time. */
export function classifyDayOff(plan: DayPlan, dayKind: 'rest' | 'holiday', dayEndMs: number, decisionMs: number): Judgement {
  if (decisionMs < dayEndMs) return PENDING;
  return {
    employeeId: plan.employeeId,
    date: plan.date,
    shiftId: '',
    dayKind,
    status: 'rest',
    startMs: null,
    endMs: null,
    firstPunchMs: null,
    lastPunchMs: null,
    punchCount: 0,
    lateMinutes: 0,
    earlyMinutes: 0,
    leaveMinutes: 0,
  };
}
