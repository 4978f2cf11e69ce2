import { appendTo } from '../collections.js';
import type { LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import type { Evaluation } from './evaluate.js';
import { applyNoShow } from './no-show-events.js';
import { noShowKey, type DetectionStore } from './store.js';
import { change } from './thresholds.js';
import { isFinal, type Classification, type ClassifiedInstance, type EventChange, type InstanceChange } from './types.js';

export interface ReclassifyRequest {
  employeeId: string;
  siteId: string;
  from: LocalDate;
  to: LocalDate;
  /** The employee's plans on from..to, judged now. */
  evaluations: readonly Evaluation[];
  nowMs: number;
  zone: Zone;
}

/**
 * Writes one employee's fresh classifications over the stored ones: an instance whose facts
 * changed is updated (its version grows when the status does), a stored shift the plan no longer
 * has is removed, and no-shows follow the facts as in the engine; a no-show of an instance that is
 * no longer scheduled is resolved. Instances not over yet are left alone. Call in a transaction.
 */
export function reclassifyEvaluations(store: DetectionStore, req: ReclassifyRequest): { instances: InstanceChange[]; events: EventChange[] } {
  const { employeeId, siteId, from, to, nowMs, zone: z } = req;
  const stored = new Map<LocalDate, ClassifiedInstance[]>();
  for (const row of store.employeeInstances(employeeId, from, to)) {
    appendTo(stored, row.date, row);
  }
  const noShows = new Map(store.employeeEvents(employeeId, 'no_show', from, to).map((e) => [noShowKey(e.employeeId, e.date, e.shiftId), e]));
  const scheduled = new Set<string>();
  const instances: InstanceChange[] = [];
  const events: EventChange[] = [];

  for (const { plan, shift, classification: c, noShow } of req.evaluations) {
    if (shift !== null) scheduled.add(noShowKey(employeeId, plan.date, shift.shiftId));
    if (noShow !== null && shift !== null) {
      const changed = applyNoShow(store, { employeeId, siteId, date: plan.date, shift }, noShows.get(noShowKey(employeeId, plan.date, shift.shiftId)), noShow, nowMs, z);
      if (changed !== null) events.push(changed);
    }
    if (c !== null && !isFinal(c)) continue;
    const rows = stored.get(plan.date) ?? [];
    for (const old of rows) {
      if (c !== null && old.shiftId === c.shiftId) continue;
      store.deleteInstance(employeeId, old.date, old.shiftId);
      instances.push({ employeeId, date: old.date, shiftId: old.shiftId, from: old.status, to: null, version: old.version });
    }
    if (c === null) continue;
    const old = rows.find((r) => r.shiftId === c.shiftId);
    if (old === undefined) {
      if (store.insertInstance(c, siteId, nowMs)) instances.push({ employeeId, date: c.date, shiftId: c.shiftId, from: null, to: c.status, version: 1 });
    } else if (differs(old, c)) {
      const version = store.updateInstance({ ...c, classifiedAt: nowMs });
      instances.push({ employeeId, date: c.date, shiftId: c.shiftId, from: old.status, to: c.status, version });
    }
  }
  for (const [key, e] of noShows) {
    if (scheduled.has(key) || e.state !== 'open') continue;
    const reason = `${e.date} no longer has shift ${e.shiftId} in the schedule`;
    if (store.setEventState({ eventId: e.eventId, from: 'open', to: 'resolved', reason, at: nowMs })) events.push(change(e, 'resolved', reason));
  }
  return { instances, events };
}

const FACTS = ['dayKind', 'status', 'startMs', 'endMs', 'firstPunchMs', 'lastPunchMs', 'punchCount', 'lateMinutes', 'earlyMinutes', 'leaveMinutes'] as const;

function differs(stored: ClassifiedInstance, fresh: Classification): boolean {
  return FACTS.some((f) => stored[f] !== fresh[f]);
}
