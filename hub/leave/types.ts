import type { ChangeSource } from '../directory/types.js';
import type { LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import type { LeaveKind } from './kind.js';

export interface LeaveRecord {
  id: number;
  employeeId: string;
  kind: LeaveKind;
  /** The kind as written when it is none of the known kinds (kind is then `other`). */
  kindNote: string | null;
  /** Full days: first and last local date. A partial day: its date (both). */
  from: LocalDate;
  to: LocalDate;
  /** A partial day's local times `HH:MM`; `toTime` earlier than `fromTime` is on the next day. Null for full days. */
  fromTime: string | null;
  toTime: string | null;
  reason: string | null;
  approvedBy: string;
  approvedAtMs: number;
  source: ChangeSource;
  recordedAtMs: number;
  status: 'approved' | 'cancelled';
  cancelledBy: string | null;
  cancelledAtMs: number | null;
}

/**
 * Approved leave as a file row or an API body (the YAML shape; CSV columns are the snake_case
 * names). A partial day gives `fromTime` and `toTime`, with `from` its date (`to` empty or equal).
 */
export interface NewLeave {
  employee: string;
  /** Free text, normalised (`年假` → annual); unknown names become `other` with the text kept. */
  kind: string;
  from: LocalDate;
  /** Default: `from` (one day). */
  to?: LocalDate | null;
  fromTime?: string | null;
  toTime?: string | null;
  reason?: string | null;
  /** Required in files; through the API, default the acting user. */
  approvedBy?: string;
  /** ISO 8601 with offset (`2026-03-01T09:30:00+08:00`). Required in files; through the API, default now. */
  approvedAt?: string;
}

/** The local dates whose classification a leave change affects, both included. */
export interface LeaveChange {
  /** The change's row in `leave_changes`, for `markJudged`. */
  id: number;
  employeeId: string;
  from: LocalDate;
  to: LocalDate;
}

export type LeaveListener = (change: LeaveChange) => void;

export interface LeaveFilter {
  employeeId?: string;
  /** Leave touching any date from..to (inclusive); each bound optional. */
  from?: LocalDate;
  to?: LocalDate;
}

export interface IntervalQuery {
  /** Default: everyone. */
  employeeIds?: readonly string[];
  /** Intervals overlapping [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  /** The zone of a site, for the employee's site. */
  zoneOf: (site: string) => Zone;
}
