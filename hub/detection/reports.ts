import type { HubDatabase } from '../db/database.js';
import { HubError } from '../errors.js';
import { addDays, monthOf, parseLocalDate, type LocalDate } from '../time/local-date.js';
import { absentRuns, countRules, MAX_GAP_DAYS, runBreakers, type CountRules } from './counting.js';
import { InstanceHistory } from './history.js';
import type { DetectionEmployee, DetectionPorts } from './ports.js';
import { toEvent, type EventRow } from './store.js';
import type { DetectionEvent } from './types.js';

export interface AbsenceQuery {
  from: LocalDate;
  to: LocalDate;
  site?: string;
  department?: string;
}

/** One employee's absences over a period, with the counts the thresholds look at. */
export interface EmployeeAbsence {
  employeeId: string;
  siteId: string;
  department: string | null;
  /** Absent days (instances classified absent) dated from..to. */
  absentDays: number;
  absentDates: LocalDate[];
  /** The run of consecutive absent working days still going at `to` (0 days when none). */
  run: { days: number; firstDate: LocalDate | null };
  /** Absent days of each calendar month the period touches, as of `to`: earlier months whole, the last month to date. */
  months: { month: string; absentDays: number }[];
  reachesConsecutive: boolean;
  reachesMonthly: boolean;
}

export interface DepartmentAbsence {
  department: string | null;
  /** Employees of the department in the query's scope. */
  employees: number;
  /** Of those, with at least one absent day in the period. */
  absentEmployees: number;
  absentDays: number;
  /** Employees whose run at `to` reaches the consecutive threshold, or a month the monthly one. */
  atConsecutiveThreshold: number;
  atMonthlyThreshold: number;
}

export interface ReportOptions {
  db: HubDatabase;
  ports: Pick<DetectionPorts, 'employees' | 'employeeIndex'>;
  thresholds?: { consecutive?: number; monthly?: number };
  restBreaksRun?: boolean;
  leaveBreaksRun?: boolean;
}

/** Read-only queries over detection's tables for HR reports; give it the engine's counting options. */
export class DetectionReports {
  private readonly ports: Pick<DetectionPorts, 'employees' | 'employeeIndex'>;
  private readonly rules: CountRules;
  private readonly history: InstanceHistory;
  private readonly s: ReturnType<typeof prepare>;

  constructor(options: ReportOptions) {
    this.ports = options.ports;
    this.rules = countRules(options);
    this.history = new InstanceHistory(options.db);
    this.s = prepare(options.db);
  }

  /** No-show events of instances dated `date` (any state), of one site or all, by site and employee. */
  dailyNoShows(query: { date: LocalDate; site?: string }): DetectionEvent[] {
    const date = parseLocalDate(query.date);
    return read(`list the no-shows of ${date}`, () => (this.s.noShows.all({ date, site: query.site ?? null }) as EventRow[]).map(toEvent));
  }

  /**
   * Employees of the scope with an absent day in the period, a run still going at its end, or an
   * absent day earlier in the period's first month; everyone else had none and is left out. Counts
   * are as of `to`, as the thresholds saw them then.
   */
  absences(query: AbsenceQuery): EmployeeAbsence[] {
    const { from, to } = checkPeriod(query);
    return read(`count absences from ${from} to ${to}`, () => this.count(query, from, to));
  }

  private count(query: AbsenceQuery, from: LocalDate, to: LocalDate): EmployeeAbsence[] {
    // Looked up in the directory's index: only the absent are asked about, not 100,000 copied.
    const index = this.ports.employeeIndex();
    const inScope = (employeeId: string): DetectionEmployee | undefined => {
      const e = index.get(employeeId);
      return e !== undefined && (query.site === undefined || e.siteId === query.site) && (query.department === undefined || e.department === query.department) ? e : undefined;
    };
    const monthFrom = `${monthOf(from)}-01`;
    const byEmployee = new Map<string, EmployeeAbsence>();
    const entry = (employeeId: string): EmployeeAbsence | undefined => {
      let e = byEmployee.get(employeeId);
      const who = inScope(employeeId);
      if (e === undefined && who !== undefined) {
        e = { employeeId, siteId: who.siteId, department: who.department, absentDays: 0, absentDates: [], run: { days: 0, firstDate: null }, months: [], reachesConsecutive: false, reachesMonthly: false };
        byEmployee.set(employeeId, e);
      }
      return e;
    };
    // Only someone absent in the MAX_GAP_DAYS dates up to `to` can have a run going at `to`
    // (counting.ts): one read of the absent dates serves the months and finds them.
    const recentFrom = addDays(to, 1 - MAX_GAP_DAYS);
    const candidates: string[] = [];
    const absent = this.history.absentDates(monthFrom < recentFrom ? monthFrom : recentFrom, to, query.site === undefined ? {} : { siteId: query.site });
    // forEach, not for-of: no entry array per employee.
    absent.forEach((dates, employeeId) => {
      if (inScope(employeeId) === undefined) return;
      if (dates[dates.length - 1]! >= recentFrom) candidates.push(employeeId);
      for (let i = 0; i < dates.length; i++) {
        const date = dates[i]!;
        if (date < monthFrom) continue;
        const e = entry(employeeId)!;
        if (date >= from) e.absentDates.push(date);
        const month = monthOf(date);
        const m = e.months.find((x) => x.month === month);
        if (m === undefined) e.months.push({ month, absentDays: 1 });
        else m.absentDays++;
      }
    });
    // Their days walking back from `to` to the last breaking day hold the run.
    this.history.walk(candidates, to, 'back', runBreakers(this.rules)).forEach((walked, employeeId) => {
      const run = absentRuns(walked.reverse(), this.rules).at(-1);
      if (run !== undefined) entry(employeeId)!.run = { days: run.length, firstDate: run[0]! };
    });
    for (const e of byEmployee.values()) {
      e.absentDays = e.absentDates.length;
      e.reachesConsecutive = e.run.days >= this.rules.thresholds.consecutive;
      e.reachesMonthly = e.months.some((m) => m.absentDays >= this.rules.thresholds.monthly);
    }
    return [...byEmployee.values()].sort((a, b) => a.siteId.localeCompare(b.siteId) || a.employeeId.localeCompare(b.employeeId));
  }

  /**
   * One employee's counts as of `asOf`, as the thresholds see them: the run of absent working days
   * still going that day, the absent days of its month so far, and those dates (run and month,
   * ascending). What an escalation step or a notice cites.
   */
  absenceOf(employeeId: string, asOf: LocalDate): { consecutive: number; monthly: number; dates: LocalDate[] } {
    return this.absenceOfMany([employeeId], asOf).get(employeeId)!;
  }

  /** `absenceOf` for several employees as of one date, in two reads however many they are. */
  absenceOfMany(employeeIds: readonly string[], asOf: LocalDate): Map<string, { consecutive: number; monthly: number; dates: LocalDate[] }> {
    const to = parseLocalDate(asOf);
    return read(`count the absences of ${employeeIds.length === 1 ? employeeIds[0] : `${employeeIds.length} employees`} up to ${to}`, () => {
      const monthFrom = `${monthOf(to)}-01`;
      const months = this.history.absentDates(monthFrom, to, { employeeIds: new Set(employeeIds) });
      const walks = this.history.walk(employeeIds, to, 'back', runBreakers(this.rules));
      const out = new Map<string, { consecutive: number; monthly: number; dates: LocalDate[] }>();
      for (const employeeId of employeeIds) {
        const month = months.get(employeeId) ?? [];
        // The walk stops at the last breaking day: the last run it holds is the one going at `to`.
        const run = absentRuns([...(walks.get(employeeId) ?? [])].reverse(), this.rules).at(-1) ?? [];
        out.set(employeeId, { consecutive: run.length, monthly: month.length, dates: [...new Set([...run, ...month])].sort() });
      }
      return out;
    });
  }

  /** The same period summed per department (employees without one under null). */
  departmentAbsences(query: AbsenceQuery): DepartmentAbsence[] {
    const scope = this.scope(query);
    const departments = new Map<string | null, DepartmentAbsence>();
    const of = (department: string | null): DepartmentAbsence => {
      let d = departments.get(department);
      if (d === undefined) departments.set(department, (d = { department, employees: 0, absentEmployees: 0, absentDays: 0, atConsecutiveThreshold: 0, atMonthlyThreshold: 0 }));
      return d;
    };
    for (const e of scope.values()) of(e.department).employees++;
    for (const a of this.absences(query)) {
      const d = of(a.department);
      if (a.absentDays > 0) d.absentEmployees++;
      d.absentDays += a.absentDays;
      if (a.reachesConsecutive) d.atConsecutiveThreshold++;
      if (a.reachesMonthly) d.atMonthlyThreshold++;
    }
    return [...departments.values()].sort((a, b) => (a.department ?? '').localeCompare(b.department ?? ''));
  }

  private scope(query: AbsenceQuery): Map<string, DetectionEmployee> {
    const scope = new Map<string, DetectionEmployee>();
    for (const e of this.ports.employees(query.site)) if (query.department === undefined || e.department === query.department) scope.set(e.employeeId, e);
    return scope;
  }
}

/** Runs a read; a database failure becomes HubError('REPORT') naming what was asked. */
function read<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof HubError) throw err;
    throw new HubError('REPORT', `could not ${what}: ${(err as Error).message}`, { cause: err });
  }
}

function checkPeriod(query: AbsenceQuery): { from: LocalDate; to: LocalDate } {
  const from = parseLocalDate(query.from);
  const to = parseLocalDate(query.to);
  if (from > to) throw new HubError('INVALID_INPUT', `absence report: from ${from} is after to ${to}`);
  return { from, to };
}

function prepare(db: HubDatabase) {
  return {
    noShows: db.prepare(`SELECT * FROM detection_events WHERE kind = 'no_show' AND date = @date AND (@site IS NULL OR site_id = @site)
      ORDER BY site_id, employee_id, shift_id`),
  };
}
