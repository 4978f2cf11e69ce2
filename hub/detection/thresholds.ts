import { addDays, monthOf, type LocalDate } from '../time/local-date.js';
import { absentRuns, dueConsecutive, dueMonthly, runBreakers, type CountRules, type DayStatus, type DueThreshold } from './counting.js';
import type { InstanceHistory } from './history.js';
import type { DetectionStore } from './store.js';
import type { DetectionEvent, EventChange } from './types.js';

/**
 * Brings the consecutive and monthly events of some employees in line with their stored days
 * after days from `from` to `to` were stored or changed: raises what the counts now reach, reopens
 * a withdrawn event whose threshold is reached again, and withdraws an open one the counts no
 * longer reach (leave approved later), with the reason; withdrawals first, so a consumer stops the
 * old case before a new one starts. Only runs that touch from..to (found by walking back and
 * forward to the nearest breaking days) and the months of from..to can have changed; other events
 * are left alone. Call inside the transaction that changed the days.
 */
export function syncThresholds(
  store: DetectionStore,
  history: InstanceHistory,
  sites: ReadonlyMap<string, string>,
  range: { from: LocalDate; to: LocalDate },
  rules: CountRules,
  nowMs: number,
): EventChange[] {
  const employeeIds = [...sites.keys()];
  if (employeeIds.length === 0) return [];
  const { from, to } = range;
  const breakers = runBreakers(rules);
  const before = history.walk(employeeIds, addDays(from, -1), 'back', breakers);
  const within = history.days(employeeIds, from, to);
  const after = history.walk(employeeIds, addDays(to, 1), 'forward', breakers);
  const monthFrom = `${monthOf(from)}-01`;
  const monthTo = monthEnd(to);
  const absent = history.absentDates(monthFrom, monthTo, { employeeIds: new Set(employeeIds) });
  const existing = store.thresholdEvents(employeeIds);
  const changes: EventChange[] = [];

  for (const employeeId of employeeIds) {
    // Walking back from the day before `from` ends on the last breaking day, if there is one.
    const back = (before.get(employeeId) ?? []).reverse();
    const earliest = back[0];
    const anchor = earliest !== undefined && breakers.includes(earliest.status) ? earliest.date : addDays(earliest?.date ?? from, -1);
    const days = [...back, ...(within.get(employeeId) ?? []), ...(after.get(employeeId) ?? [])];
    const last = days[days.length - 1]?.date ?? to;
    const upper = last > to ? last : to;
    const absentInMonths = absent.get(employeeId) ?? [];
    const due: DueThreshold[] = [...dueConsecutive(days, rules), ...dueMonthly(absentInMonths, rules)];
    const inScope = (e: DetectionEvent): boolean => (e.kind === 'consecutive' ? e.date > anchor && e.date <= upper : e.date >= monthFrom && e.date <= monthTo);
    const events = (existing.get(employeeId) ?? []).filter(inScope);
    for (const e of events) {
      if (e.state !== 'open' || due.some((d) => d.kind === e.kind && d.date === e.date)) continue;
      const reason = withdrawReason(e, days, absentInMonths, rules);
      if (store.setEventState({ eventId: e.eventId, from: 'open', to: 'withdrawn', reason, at: nowMs })) changes.push(change(e, 'withdrawn', reason));
    }
    const siteId = sites.get(employeeId) ?? '';
    for (const d of due) {
      const found = events.find((e) => e.kind === d.kind && e.date === d.date);
      if (found === undefined) {
        const eventId = store.insertEvent({ kind: d.kind, employeeId, siteId, date: d.date, shiftId: '', dueMs: null, dates: d.dates, raisedAt: nowMs });
        if (eventId !== undefined) changes.push({ eventId, kind: d.kind, employeeId, date: d.date, shiftId: '', change: 'raised', reason: null });
      } else if (found.state === 'withdrawn') {
        const reason = `reached again: absent on ${d.dates.join(', ')}`;
        if (store.setEventState({ eventId: found.eventId, from: 'withdrawn', to: 'open', reason, at: nowMs, dates: d.dates })) changes.push(change(found, 'reopened', reason));
      }
    }
  }
  return changes;
}

/** The last day of a date's month. */
function monthEnd(date: LocalDate): LocalDate {
  const next = addDays(`${monthOf(date)}-28`, 4);
  return addDays(`${monthOf(next)}-01`, -1);
}

/** Says which counted days are no longer absent and what the count is now, for HR's log. */
function withdrawReason(e: DetectionEvent, days: readonly DayStatus[], absentDates: readonly LocalDate[], rules: CountRules): string {
  const status = new Map(days.map((d) => [d.date, d.status]));
  const absent = new Set(absentDates);
  const changed = e.dates.filter((d) => !absent.has(d) && status.get(d) !== 'absent').map((d) => `${d} is now ${status.get(d) ?? 'not a classified day'}`);
  let count: string;
  if (e.kind === 'monthly') {
    const month = monthOf(e.date);
    count = `${month} now has ${absentDates.filter((d) => monthOf(d) === month).length} absent day(s), threshold ${rules.thresholds.monthly}`;
  } else {
    const run = absentRuns(days, rules).find((r) => r.includes(e.date));
    count = run !== undefined && run[0] !== e.date
      ? `the run now starts on ${run[0]}`
      : `the run from ${e.date} now has ${run?.length ?? 0} absent day(s), threshold ${rules.thresholds.consecutive}`;
  }
  return [...changed, count].join('; ');
}

export function change(e: DetectionEvent, kind: EventChange['change'], reason: string): EventChange {
  return { eventId: e.eventId, kind: e.kind, employeeId: e.employeeId, date: e.date, shiftId: e.shiftId, change: kind, reason };
}
