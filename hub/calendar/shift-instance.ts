import type { ShiftInstance } from '../model/day-plan.js';
import type { LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import type { Shift } from './model.js';

const MINUTE_MS = 60_000;

/**
 * The instants of a shift started on a local date in a site's zone. An end at or before the start
 * falls on the next day (22:00-06:00 on D ends at 06:00 on D+1); converting the end as "minutes
 * past D's midnight" keeps a DST change during the night right.
 */
export function shiftInstance(shift: Shift, date: LocalDate, zone: Zone): ShiftInstance {
  const endMinutes = shift.endMinute > shift.startMinute ? shift.endMinute : shift.endMinute + 24 * 60;
  const startMs = zone.instant(date, shift.startMinute);
  const endMs = zone.instant(date, endMinutes);
  return {
    shiftId: shift.id,
    startMs,
    endMs,
    graceLateMinutes: shift.graceLateMinutes,
    graceEarlyMinutes: shift.graceEarlyMinutes,
    windowStartMs: startMs - shift.windowBeforeMinutes * MINUTE_MS,
    windowEndMs: endMs + shift.windowAfterMinutes * MINUTE_MS,
  };
}
