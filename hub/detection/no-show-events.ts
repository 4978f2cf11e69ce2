import type { ShiftInstance } from '../model/day-plan.js';
import type { LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import { answerReason, type NoShowCheck } from './no-show.js';
import type { DetectionStore } from './store.js';
import { change } from './thresholds.js';
import type { DetectionEvent, EventChange } from './types.js';

export interface NoShowSubject {
  employeeId: string;
  siteId: string;
  date: LocalDate;
  shift: ShiftInstance;
}

/**
 * Applies a no-show check to the instance's event: `due` raises it (once: the key is unique) or,
 * when leave moved the expected start and the new due moment passed with still no punch, reopens
 * a resolved one; `answered` resolves an open one with the reason. A resolved event whose due
 * moment did not move stays resolved, whoever resolved it.
 */
export function applyNoShow(
  store: DetectionStore,
  subject: NoShowSubject,
  existing: DetectionEvent | undefined,
  check: NoShowCheck,
  nowMs: number,
  z: Zone,
): EventChange | null {
  if (check.state === 'due') {
    if (existing === undefined) {
      const { employeeId, siteId, date, shift } = subject;
      const eventId = store.insertEvent({ kind: 'no_show', employeeId, siteId, date, shiftId: shift.shiftId, dueMs: check.dueMs, dates: [], raisedAt: nowMs });
      return eventId === undefined ? null : { eventId, kind: 'no_show', employeeId, date, shiftId: shift.shiftId, change: 'raised', reason: null };
    }
    if (existing.state === 'resolved' && existing.dueMs !== check.dueMs) {
      const reason = `no punch by ${z.format(check.dueMs)}, after the leave that covered the start`;
      const done = store.setEventState({ eventId: existing.eventId, from: 'resolved', to: 'open', reason, at: nowMs, dueMs: check.dueMs });
      return done ? change(existing, 'reopened', reason) : null;
    }
    return null;
  }
  if (check.state === 'answered' && existing?.state === 'open') {
    const reason = answerReason(check, z);
    const done = store.setEventState({ eventId: existing.eventId, from: 'open', to: 'resolved', reason, at: nowMs });
    return done ? change(existing, 'resolved', reason) : null;
  }
  return null;
}
