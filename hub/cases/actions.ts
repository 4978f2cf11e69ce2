import type { Employee } from '../directory/types.js';
import { formatClock } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import type { Action, Policy, Recipient } from './policy-schema.js';
import type { LocalDate } from '../time/local-date.js';
import type { AbsenceCounts, CasePorts, EvidenceData, EvidenceValue } from './ports.js';
import type { CaseStore } from './store.js';
import type { Case } from './types.js';

/** What a fired step did, for the timeline and the evidence log. */
export interface ActionRecord extends EvidenceData {
  action: string;
}

export interface ActionContext {
  store: CaseStore;
  ports: CasePorts;
  policy: Policy;
  c: Case;
  employee: Employee;
  zone: Zone;
  stepKey: string;
  nowMs: number;
  /** The employee's absence counts as of a date (read ahead for a batch; see CasePorts.absence). */
  absence(employeeId: string, asOf: LocalDate): AbsenceCounts;
}

/**
 * Carries out a step's actions inside the transaction that fires it: notifications go to the
 * outbox (one message per recipient and channel; the channels send them), tasks and notice
 * drafts are stored.
 * Nothing leaves the hub here, so a failed transaction leaves nothing half done.
 */
export function runActions(ctx: ActionContext, actions: readonly Action[]): ActionRecord[] {
  const records: ActionRecord[] = [];
  for (const action of actions) {
    if ('notify' in action) {
      const { to, copy, channels, template } = action.notify;
      records.push(...queue(ctx, [...to, ...copy], channels, template));
    } else if ('copyUnion' in action) {
      records.push(...queue(ctx, ['union'], action.copyUnion.channels, action.copyUnion.template));
    } else if ('hrTask' in action) {
      const dueMs = action.hrTask.dueHours === undefined ? null : ctx.nowMs + action.hrTask.dueHours * 3_600_000;
      ctx.store.addTask(ctx.c.caseId, ctx.stepKey, action.hrTask.title, dueMs, ctx.nowMs);
      records.push({ action: 'hr_task', title: action.hrTask.title, dueMs });
    } else if ('draftNotice' in action) {
      const { kind, deliver, deadlineDays } = action.draftNotice;
      // A legal document cites the days as detection counts them.
      const counts = ctx.absence(ctx.c.employeeId, ctx.zone.local(ctx.nowMs).date);
      const facts = {
        employeeId: ctx.employee.id,
        employeeName: ctx.employee.name,
        department: ctx.employee.department,
        company: ctx.policy.company,
        firstDate: ctx.c.firstDate,
        absentDates: counts.dates,
        deadlineDays: deadlineDays ?? null,
        postalAddress: ctx.employee.contacts.postalAddress,
      };
      const noticeId = ctx.store.draftNotice({ caseId: ctx.c.caseId, stepKey: ctx.stepKey, kind, deliver, deadlineDays: deadlineDays ?? null, facts }, ctx.nowMs);
      records.push({ action: 'notice_drafted', kind, noticeId: noticeId ?? null, absentDates: counts.dates, deadlineDays: deadlineDays ?? null, awaitingApproval: true });
    } else {
      // The stop month needs the city's cutoff day: recorded as a task until it is configured.
      ctx.store.addTask(ctx.c.caseId, ctx.stepKey, 'Set the social-insurance stop month', null, ctx.nowMs);
      records.push({ action: 'social_insurance_stop_month', month: null });
    }
  }
  return records;
}

/**
 * Queues a notification, one message per recipient and channel; a recipient the directory cannot
 * name is recorded as skipped.
 */
function queue(ctx: ActionContext, roles: readonly Recipient[], channels: readonly string[], template: string): ActionRecord[] {
  const t = ctx.policy.templates[template];
  if (t === undefined) return [{ action: 'notify_skipped', template, reason: 'no such template' }];
  const manager = ctx.employee.managerId === null ? undefined : ctx.ports.employee(ctx.employee.managerId);
  const text = fill(t.text, {
    name: ctx.employee.name,
    date: ctx.c.firstDate,
    shiftStart: formatClock(ctx.zone.local(ctx.c.shiftStartMs).minutes),
    absentDays: String(ctx.c.absentDays),
    manager: manager?.name ?? '人力资源部',
    company: ctx.policy.company,
  });
  const out: ActionRecord[] = [];
  const recipients: EvidenceValue[] = [];
  const to: Array<{ role: Recipient; recipientId: string | null; channel: string }> = [];
  for (const role of new Set(roles)) {
    const recipientId = role === 'employee' || role === 'emergency_contact' ? ctx.employee.id : role === 'manager' ? (ctx.employee.managerId ?? undefined) : null;
    if (recipientId === undefined) {
      out.push({ action: 'notify_skipped', role, template, reason: 'the employee has no manager in the directory' });
      continue;
    }
    for (const channel of channels) to.push({ role, recipientId, channel });
    recipients.push({ role, recipientId });
  }
  // One notification, and one record of it: the text once, then who it went to.
  if (recipients.length > 0) {
    if (to.length > 0) ctx.store.queueNotification({ caseId: ctx.c.caseId, stepKey: ctx.stepKey, template, subject: t.subject ?? null, text, to }, ctx.nowMs);
    out.unshift({ action: 'notify', template, channels: [...channels], text, recipients });
  }
  return out;
}

/** Fills `{name}`-style placeholders; unknown ones stay as written. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (whole, key: string) => values[key] ?? whole);
}
