import type { LocalDate } from '../time/local-date.js';

/** The outcome of one shift instance (or of one rest or holiday day). See classify.ts for the rules. */
export type InstanceStatus = 'present' | 'late' | 'early_leave' | 'absent' | 'on_leave' | 'rest' | 'missing_punch' | 'pending';

/** A status once the instance is over and its punches are all delivered: what gets stored. */
export type FinalStatus = Exclude<InstanceStatus, 'pending'>;

/** Which kind of day a classified row stands for: a shift instance, or a day off of either kind. */
export type ClassifiedDayKind = 'work' | 'rest' | 'holiday';

/** Statuses that mean the person came to work: each ends a run of absent days. */
export const ATTENDED: readonly FinalStatus[] = ['present', 'late', 'early_leave', 'missing_punch'];

export interface Classification {
  employeeId: string;
  date: LocalDate;
  /** Empty for rest and holiday days. */
  shiftId: string;
  dayKind: ClassifiedDayKind;
  status: InstanceStatus;
  /** Scheduled instants of the shift; null on rest and holiday days. */
  startMs: number | null;
  endMs: number | null;
  firstPunchMs: number | null;
  lastPunchMs: number | null;
  punchCount: number;
  lateMinutes: number;
  earlyMinutes: number;
  leaveMinutes: number;
}

/** A classification that is over and can be stored. */
export type FinalClassification = Classification & { status: FinalStatus };

/**
 * An instance not over yet, or whose punches may still arrive: nothing is stored for it, so it
 * carries nothing (one shared value: a run judging a day that has begun makes 100,000 of them).
 */
export interface Pending {
  readonly status: 'pending';
}

export const PENDING: Pending = Object.freeze({ status: 'pending' });

/** What judging an instance gives at decision time. */
export type Judgement = FinalClassification | Pending;

export function isFinal(c: Judgement): c is FinalClassification {
  return c.status !== 'pending';
}

/** A stored, final classification. */
export interface ClassifiedInstance extends Classification {
  siteId: string;
  status: FinalStatus;
  classifiedAt: number;
  /** 1 when first stored; +1 each time a reclassification changes the status. */
  version: number;
}

export type EventKind = 'no_show' | 'consecutive' | 'monthly';
export type EventState = 'open' | 'resolved' | 'withdrawn';

/**
 * One raised event. Keyed so nothing is raised twice: a no-show by (employee, instance date,
 * shift), a consecutive-days event by (employee, first date of the run), a monthly one by
 * (employee, first day of the month).
 */
export interface DetectionEvent {
  eventId: number;
  kind: EventKind;
  employeeId: string;
  siteId: string;
  /** no_show: the instance's date; consecutive: the run's first date; monthly: the month's first day. */
  date: LocalDate;
  /** no_show: the shift; empty for the threshold events. */
  shiftId: string;
  /** no_show: the instant it became due (expected start + grace); null for thresholds. */
  dueMs: number | null;
  /** Thresholds: the absent dates that reached it; empty for a no-show. */
  dates: LocalDate[];
  state: EventState;
  /** Why it was resolved or withdrawn (or reopened), in words for HR. */
  reason: string | null;
  raisedAt: number;
  updatedAt: number;
}

/** What an engine run or a reclassification did to one event. */
export interface EventChange {
  eventId: number;
  kind: EventKind;
  employeeId: string;
  date: LocalDate;
  shiftId: string;
  change: 'raised' | 'resolved' | 'withdrawn' | 'reopened';
  reason: string | null;
}

/** A stored classification that a reclassification created or changed. */
export interface InstanceChange {
  employeeId: string;
  date: LocalDate;
  shiftId: string;
  /** null when the instance had no stored row (or a different shift) before. */
  from: FinalStatus | null;
  /** null when the row was removed because the plan no longer has that shift. */
  to: FinalStatus | null;
  version: number;
}
