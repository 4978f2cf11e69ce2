import type { DetectionReports } from '../detection/reports.js';
import type { Directory } from '../directory/directory.js';
import type { LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import type { ReportTable } from './format/table.js';

export interface ReportSources {
  reports: DetectionReports;
  directory: Directory;
  zoneOf(site: string): Zone;
}

export interface PeriodQuery {
  from: LocalDate;
  to: LocalDate;
  site?: string;
  department?: string;
}

/** Absenteeism per employee over a period: absent days, the run still going at the end, month counts. */
export function absencesTable(src: ReportSources, q: PeriodQuery): ReportTable {
  const names = new Map(src.directory.listEmployees(q.site === undefined ? {} : { site: q.site }).map((e) => [e.id, e.name]));
  const rows = src.reports.absences(q).map((a) => ({
    employee: a.employeeId,
    name: names.get(a.employeeId) ?? null,
    department: a.department,
    site: a.siteId,
    absentDays: a.absentDays,
    absentDates: a.absentDates.join(' '),
    run: a.run.days,
    runFrom: a.run.firstDate,
    months: a.months.map((m) => `${m.month}: ${m.absentDays}`).join('; '),
    thresholds: [a.reachesConsecutive ? 'consecutive' : '', a.reachesMonthly ? 'monthly' : ''].filter((t) => t !== '').join(', '),
  }));
  return {
    title: `Absences ${q.from} to ${q.to}`,
    columns: [
      { key: 'employee', title: 'Employee', type: 'string' },
      { key: 'name', title: 'Name', type: 'string' },
      { key: 'department', title: 'Department', type: 'string' },
      { key: 'site', title: 'Site', type: 'string' },
      { key: 'absentDays', title: 'Absent working days', type: 'number' },
      { key: 'absentDates', title: 'Absent dates', type: 'string' },
      { key: 'run', title: 'Consecutive at end', type: 'number' },
      { key: 'runFrom', title: 'Run since', type: 'date' },
      { key: 'months', title: 'Per month', type: 'string' },
      { key: 'thresholds', title: 'Thresholds reached', type: 'string' },
    ],
    rows,
  };
}

/** Absenteeism per department over a period. */
export function departmentsTable(src: ReportSources, q: PeriodQuery): ReportTable {
  const rows = src.reports.departmentAbsences(q).map((d) => ({
    department: d.department,
    employees: d.employees,
    absentEmployees: d.absentEmployees,
    absentDays: d.absentDays,
    atConsecutive: d.atConsecutiveThreshold,
    atMonthly: d.atMonthlyThreshold,
  }));
  return {
    title: `Absences by department ${q.from} to ${q.to}`,
    columns: [
      { key: 'department', title: 'Department', type: 'string' },
      { key: 'employees', title: 'Employees', type: 'number' },
      { key: 'absentEmployees', title: 'With absences', type: 'number' },
      { key: 'absentDays', title: 'Absent working days', type: 'number' },
      { key: 'atConsecutive', title: 'At consecutive threshold', type: 'number' },
      { key: 'atMonthly', title: 'At monthly threshold', type: 'number' },
    ],
    rows,
  };
}

/** The no-shows of one local date: who, which shift, when it became due, and what became of it. */
export function noShowsTable(src: ReportSources, q: { date: LocalDate; site?: string }): ReportTable {
  const employees = new Map(src.directory.listEmployees(q.site === undefined ? {} : { site: q.site }).map((e) => [e.id, e]));
  const rows = src.reports.dailyNoShows(q).map((e) => {
    const who = employees.get(e.employeeId);
    return {
      employee: e.employeeId,
      name: who?.name ?? null,
      department: who?.department ?? null,
      site: e.siteId,
      shift: e.shiftId,
      due: e.dueMs === null ? null : src.zoneOf(e.siteId).format(e.dueMs),
      state: e.state,
      reason: e.reason,
    };
  });
  return {
    title: `No-shows ${q.date}`,
    columns: [
      { key: 'employee', title: 'Employee', type: 'string' },
      { key: 'name', title: 'Name', type: 'string' },
      { key: 'department', title: 'Department', type: 'string' },
      { key: 'site', title: 'Site', type: 'string' },
      { key: 'shift', title: 'Shift', type: 'string' },
      { key: 'due', title: 'No punch by', type: 'datetime' },
      { key: 'state', title: 'State', type: 'string' },
      { key: 'reason', title: 'Resolved because', type: 'string' },
    ],
    rows,
  };
}
