import type { Employee } from '../directory/types.js';
import type { LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';

/** An employee's absence counts as of a date, as detection counts them. */
export interface AbsenceCounts {
  /** Absent working days in the run still going on that date (rest days and holidays per the counting rules). */
  consecutive: number;
  /** Absent days in that date's calendar month up to the date. */
  monthly: number;
  /** The absent dates of the run and the month, ascending. */
  dates: LocalDate[];
}

/** What the case engine reads from the rest of the hub. */
export interface CasePorts {
  employee(employeeId: string): Employee | undefined;
  zoneOf(siteId: string): Zone;
  /** The scheduled start of an employee's shift instance; undefined when the calendar has none. */
  shiftStartMs(employee: Employee, date: LocalDate, shiftId: string): number | undefined;
  absence(employeeId: string, asOf: LocalDate): AbsenceCounts;
  /** The employee's calendar has a shift on that date (not a rest day, a holiday or a day off). */
  worksOn(employee: Employee, date: LocalDate): boolean;
  /** The day of the month by which the site's city takes leavers off that month's social insurance; undefined: not configured. */
  socialInsuranceCutoffDay(siteId: string): number | undefined;
  /** Approved leave covers this instant. */
  onLeave(employeeId: string, atMs: number): boolean;
}

/** Where the engine records the facts a case relies on (the evidence log). */
export interface CaseEvidence {
  append(fact: { kind: string; caseId: number; employeeId: string; atMs: number; data: EvidenceData; documents?: readonly string[] }): unknown;
  /** Stores a document once by content; returns its SHA-256 (hex). */
  storeDocument(bytes: Buffer, mediaType: string, name: string): string;
}

export type EvidenceValue = string | number | boolean | null | EvidenceValue[] | { [key: string]: EvidenceValue };
export type EvidenceData = { [key: string]: EvidenceValue };
