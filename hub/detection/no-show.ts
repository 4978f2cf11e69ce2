/**
 * When a work instance is a no-show. At expected start + graceLate (the expected start moves past
 * leave that covers the shift's start), when no punch assigned to the instance is known (any punch
 * already received counts, even one beyond the watermark) and no leave covers the whole shift,
 * and only once the site's watermark has passed that moment (decisionMs = min(now, watermark)):
 * an offline gateway must not make a whole site absent.
 *
 * A punch assigned to the instance is the one that answers it: with overlapping windows, the
 * clock-out of the night before does not cancel the morning's no-show.
 *
 * The event follows the facts: `due` raises it once per (employee, instance); `answered` (a
 * punch, or leave) resolves an open one with the reason. A resolved event reopens only when leave
 * that covered the start was approved after it was raised, that leave has ended, and still nobody
 * came (its due moment moved); one resolved by a punch, or by someone else, stays resolved.
 */
import type { ShiftInstance } from '../model/day-plan.js';
import type { LeaveInterval } from '../model/leave.js';
import type { Zone } from '../time/zone.js';
import type { LeaveCover } from './leave-cover.js';

const MINUTE_MS = 60_000;

export type NoShowCheck =
  | { state: 'due'; dueMs: number }
  | { state: 'waiting' }
  /** Answered by a punch at `punchMs`, or by leave covering the shift or (until `untilMs`) its start. */
  | { state: 'answered'; punchMs: number | null; leave: LeaveInterval | null; untilMs: number | null };

const WAITING: NoShowCheck = { state: 'waiting' };

/** `cover` null: no leave over any part of the shift. */
export function checkNoShow(shift: ShiftInstance, punchTimes: readonly number[], cover: LeaveCover | null, decisionMs: number): NoShowCheck {
  const first = punchTimes[0];
  if (first !== undefined) return { state: 'answered', punchMs: first, leave: null, untilMs: null };
  if (cover !== null && cover.whole) return { state: 'answered', punchMs: null, leave: cover.startLeave, untilMs: null };
  const dueMs = (cover === null ? shift.startMs : cover.expectedStartMs) + shift.graceLateMinutes * MINUTE_MS;
  if (decisionMs >= dueMs) return { state: 'due', dueMs };
  if (cover !== null && cover.startLeave !== null) return { state: 'answered', punchMs: null, leave: cover.startLeave, untilMs: cover.expectedStartMs };
  return WAITING;
}

/** How the reason of a no-show answered by a punch begins (cases tell a return from leave by it). */
export const PUNCHED_AT = 'punched at ';

/** The answer in words for HR, e.g. "punched at 2026-03-02T09:30:00+08:00" (only built when an event is resolved). */
export function answerReason(check: NoShowCheck & { state: 'answered' }, z: Zone): string {
  if (check.punchMs !== null) return `${PUNCHED_AT}${z.format(check.punchMs)}`;
  const leave = check.leave === null ? 'leave' : `leave #${check.leave.leaveId} (${check.leave.kind})`;
  return check.untilMs === null ? `${leave} covers the shift` : `${leave} covers the start until ${z.format(check.untilMs)}`;
}
