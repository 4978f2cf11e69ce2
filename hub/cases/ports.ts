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
  /**
   * Called at the start of each of the engine's transactions, `endRead` at its end: in between the
   * ports may answer from what they read before without checking it is still current (the
   * directory, say). Outside, every answer must be current.
   */
  beginRead(): void;
  endRead(): void;
  employee(employeeId: string): Employee | undefined;
  zoneOf(siteId: string): Zone;
  /** The scheduled start of an employee's shift instance; undefined when the calendar has none. */
  shiftStartMs(employee: Employee, date: LocalDate, shiftId: string): number | undefined;
  /** Each employee's counts as of `asOf` (one read for all of them). */
  absence(employeeIds: readonly string[], asOf: LocalDate): ReadonlyMap<string, AbsenceCounts>;
  /** The employee's calendar has a shift on that date (not a rest day, a holiday or a day off). */
  worksOn(employee: Employee, date: LocalDate): boolean;
  /** The day of the month by which the site's city takes leavers off that month's social insurance; undefined: not configured. */
  socialInsuranceCutoffDay(siteId: string): number | undefined;
  /** Of `employeeIds`, those whom approved leave covers at this instant. */
  onLeave(employeeIds: readonly string[], atMs: number): Set<string>;
  /** Each employee's first punch at their site from `fromMs` to `toMs` (absent: none), one read per site. */
  punchedBetween(who: ReadonlyArray<{ employeeId: string; siteId: string }>, fromMs: number, toMs: number): Map<string, number>;
}

/** A fact about a case, as the evidence log takes it. */
export interface CaseFact {
  kind: string;
  caseId: number;
  employeeId: string;
  atMs: number;
  data: EvidenceData;
  documents?: readonly string[];
}

/** Where the engine records the facts a case relies on (the evidence log), and reads them back. */
export interface CaseEvidence {
  append(fact: CaseFact): unknown;
  /** Appends the facts in order, in one transaction. */
  appendMany(facts: readonly CaseFact[]): unknown;
  /** Stores a document once by content; returns its SHA-256 (hex). */
  storeDocument(bytes: Buffer, mediaType: string, name: string): string;
  /** A case's entries in chain order. */
  caseEntries(caseId: number): ReadonlyArray<{ atMs: number; kind: string; body: string }>;
}

export type EvidenceValue = string | number | boolean | null | EvidenceValue[] | { [key: string]: EvidenceValue };
export type EvidenceData = { [key: string]: EvidenceValue };
