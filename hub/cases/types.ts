import type { LocalDate } from '../time/local-date.js';
import type { NoticeKind, Recipient } from './policy-schema.js';

export type CaseState = 'open' | 'acknowledged' | 'resolved';
export type CaseResolution = 'returned' | 'leave' | 'employment_ended' | 'closed_by_hr';

/** One absence episode of one employee, from the first missed shift on. */
export interface Case {
  caseId: number;
  employeeId: string;
  siteId: string;
  /** The first missed shift: its date, id and scheduled start. */
  firstDate: LocalDate;
  firstShiftId: string;
  shiftStartMs: number;
  policyId: number;
  state: CaseState;
  /** While acknowledged: reminders are paused until then. */
  pausedUntil: number | null;
  /** Days of the episode judged absent so far. */
  absentDays: number;
  resolution: CaseResolution | null;
  resolutionNote: string | null;
  openedAt: number;
  resolvedAt: number | null;
}

export type StepState = 'scheduled' | 'fired' | 'skipped' | 'cancelled';

/** A durable timer: one step of one case (a daily step has one per day). */
export interface CaseStep {
  caseId: number;
  /** The step id, or `id@date` for one day of a daily step. */
  stepKey: string;
  stepId: string;
  dueMs: number;
  state: StepState;
  /** Why it was skipped or cancelled. */
  outcome: string | null;
  /** When it was fired, skipped or cancelled. */
  firedAt: number | null;
  /** When it was scheduled (null for steps scheduled before the hub kept this). */
  scheduledAt: number | null;
}

export interface TimelineEntry {
  caseId: number;
  atMs: number;
  kind: string;
  stepKey: string | null;
  detail: Record<string, unknown>;
}

export type MessageState = 'queued' | 'sent' | 'failed' | 'delivered' | 'read' | 'undeliverable';

/** One notification to one recipient on one channel (the outbox the channels send from). */
export interface CaseMessage {
  messageId: number;
  caseId: number;
  stepKey: string;
  role: Recipient;
  /** The employee id of the recipient (employee, manager); null for HR and the union. */
  recipientId: string | null;
  channel: string;
  template: string;
  subject: string | null;
  text: string;
  state: MessageState;
}

export interface CaseTask {
  taskId: number;
  caseId: number;
  stepKey: string;
  title: string;
  dueMs: number | null;
  state: 'open' | 'done' | 'cancelled';
}

export type NoticeState = 'draft' | 'approved' | 'rejected' | 'sent' | 'delivered' | 'refused' | 'returned';

/** The facts a notice is written from, frozen when it is drafted. */
export interface NoticeFacts {
  employeeId: string;
  employeeName: string;
  department: string | null;
  company: string;
  firstDate: LocalDate;
  /** The absent dates of the run and the month when it was drafted, ascending. */
  absentDates: LocalDate[];
  /** Return-to-work: days after delivery to come back. */
  deadlineDays: number | null;
  postalAddress: string | null;
}

export interface CaseNotice {
  noticeId: number;
  caseId: number;
  stepKey: string;
  kind: NoticeKind;
  state: NoticeState;
  deliver: string[];
  deadlineDays: number | null;
  facts: NoticeFacts;
  approvedBy: string | null;
  approvedAt: number | null;
  /** The date it reached the employee (or was refused), local to the site. */
  deliveredDate: LocalDate | null;
  /** The approved text (null while a draft) and the SHA-256 of it and of its PDF in the evidence log. */
  html: string | null;
  htmlSha256: string | null;
  pdfSha256: string | null;
}

/** A change the engine made to a case, reported to the caller (and logged). */
export interface CaseChange {
  caseId: number;
  employeeId: string;
  change: 'opened' | 'extended' | 'acknowledged' | 'resumed' | 'resolved' | 'step_fired' | 'step_skipped' | 'step_scheduled';
  stepKey?: string;
  detail?: string;
}
