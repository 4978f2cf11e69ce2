import type { HubDatabase } from '../db/database.js';
import { HubError } from '../errors.js';
import type { DayPlan, DayKind, ShiftInstance } from '../model/day-plan.js';
import { datesBetween, parseLocalDate, type LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import type { Assignment, PlannedEmployee } from './model.js';
import { loadOverrides } from './overrides.js';
import { packageHolidays } from './package-holidays.js';
import { patternDay } from './pattern-day.js';
import { loadSchedules, type StoredSchedules } from './schedules-store.js';
import { shiftInstance } from './shift-instance.js';
import { StatutoryCalendar } from './statutory-calendar.js';
import { calendarVersion } from './version.js';

export interface PlannerOptions {
  /** The time zone of a site (from the hub configuration); shift instants are computed in it. */
  zoneOf(site: string): Zone;
}

/**
 * Answers what each employee's schedule says about a local date. Reads schedules and overrides
 * once and keeps them in memory; each call first checks the calendar's version counter (one
 * row) and reloads when an import or assignment change happened, in this process or another.
 */
export interface Planner {
  plan(employee: PlannedEmployee, date: LocalDate): DayPlan;
  /** One date for many employees; the plans come in the order of `employees`. */
  planMany(employees: readonly PlannedEmployee[], date: LocalDate): DayPlan[];
  /**
   * The work plans of one date whose punch window overlaps `[fromMs, toMs]`, in the order of
   * `employees`; no object is made for anyone else (the neighbours of a judged day: most of them
   * rest, or work where no punch of the span can reach).
   */
  workPlansReaching(employees: readonly PlannedEmployee[], date: LocalDate, fromMs: number, toMs: number): DayPlan[];
  /**
   * From the earliest window start to the latest window end of every shift on the dates at the
   * employees' sites, worked by anyone or not: every work plan of theirs on those dates has its
   * window within it. Null when no shift is stored.
   */
  windowSpan(employees: readonly PlannedEmployee[], dates: readonly LocalDate[]): { fromMs: number; toMs: number } | null;
  /** Every date from `from` to `to`, both included. */
  planRange(employee: PlannedEmployee, from: LocalDate, to: LocalDate): DayPlan[];
  /** Re-reads schedules and overrides now. */
  reload(): void;
  /** The statutory calendar with the current overrides (for reports and the API). */
  calendar(): StatutoryCalendar;
  /** The calendar version the planner's data was read at. */
  readonly version: number;
}

/** A date's answer for one pattern at one site, shared by every employee who follows it. */
interface Decision {
  kind: DayKind;
  shift?: ShiftInstance;
  note?: string;
  makeUp?: true;
}

/** Dates kept in the caches before they are dropped and refilled (ten years of days). */
const DATES_CACHED = 3660;

export function createPlanner(db: HubDatabase, options: PlannerOptions): Planner {
  // Per date, pattern and site / per site, date and shift: planMany's answers for 100,000
  // employees come from a handful of entries. Nested maps, not joined keys: no string is built
  // per employee.
  const decisions = new Map<LocalDate, Map<string, Map<string, Decision>>>();
  const instances = new Map<string, ShiftInstance>();
  const zones = new Map<string, Zone>();
  let state = load(db);

  function reload(): void {
    state = load(db);
    decisions.clear();
    instances.clear();
  }

  function fresh(): void {
    if (calendarVersion(db) !== state.version) reload();
  }

  function zoneOf(site: string): Zone {
    let z = zones.get(site);
    if (z === undefined) zones.set(site, (z = options.zoneOf(site)));
    return z;
  }

  function instance(site: string, date: LocalDate, shiftId: string): ShiftInstance {
    const key = `${site}\n${date}\n${shiftId}`;
    let found = instances.get(key);
    if (found === undefined) {
      const shift = state.schedules.shifts.get(shiftId);
      if (shift === undefined) throw new HubError('NOT_FOUND', `shift "${shiftId}" is referenced by a pattern but not stored; re-import the schedules file`);
      // Frozen: one instance object is shared by every plan of that site, date and shift.
      found = Object.freeze(shiftInstance(shift, date, zoneOf(site)));
      instances.set(key, found);
    }
    return found;
  }

  /**
   * Whether any pattern works the date at any of the sites with a shift whose window overlaps
   * `[fromMs, toMs]` (a handful of decisions): when none does, no plan can, and nobody is planned.
   */
  function anyWorkReaches(byPattern: Map<string, Map<string, Decision>>, sites: ReadonlySet<string>, date: LocalDate, fromMs: number, toMs: number): boolean {
    for (const patternId of state.schedules.patterns.keys()) {
      for (const site of sites) {
        let shift: ShiftInstance | undefined;
        try {
          shift = decide(byPattern, patternId, site, date).shift;
        } catch {
          // A pattern nobody here may follow cannot be decided (a year without holiday data):
          // plan everyone, where only the patterns in use count.
          return true;
        }
        if (shift !== undefined && shift.windowEndMs >= fromMs && shift.windowStartMs <= toMs) return true;
      }
    }
    return false;
  }

  function windowSpan(sites: ReadonlySet<string>, dates: readonly LocalDate[]): { fromMs: number; toMs: number } | null {
    let fromMs = Infinity;
    let toMs = -Infinity;
    for (const site of sites) {
      for (const date of dates) {
        for (const shiftId of state.schedules.shifts.keys()) {
          const s = instance(site, date, shiftId);
          if (s.windowStartMs < fromMs) fromMs = s.windowStartMs;
          if (s.windowEndMs > toMs) toMs = s.windowEndMs;
        }
      }
    }
    return fromMs <= toMs ? { fromMs, toMs } : null;
  }

  /** The date's decisions by pattern and site. */
  function decisionsOn(date: LocalDate): Map<string, Map<string, Decision>> {
    let byPattern = decisions.get(date);
    if (byPattern === undefined) {
      if (decisions.size >= DATES_CACHED) {
        decisions.clear();
        instances.clear();
      }
      decisions.set(date, (byPattern = new Map()));
    }
    return byPattern;
  }

  function decide(byPattern: Map<string, Map<string, Decision>>, patternId: string, site: string, date: LocalDate): Decision {
    let bySite = byPattern.get(patternId);
    if (bySite === undefined) byPattern.set(patternId, (bySite = new Map()));
    let found = bySite.get(site);
    if (found === undefined) {
      const pattern = state.schedules.patterns.get(patternId);
      if (pattern === undefined) throw new HubError('NOT_FOUND', `pattern "${patternId}" is assigned but not stored; re-import the schedules file`);
      const day = patternDay(pattern, date, site, state.statutory);
      found = { kind: day.kind };
      if (day.kind === 'work') found.shift = instance(site, date, day.shiftId);
      if (day.note !== undefined) found.note = day.note;
      if (day.kind === 'work' && day.makeUp === true) found.makeUp = true;
      bySite.set(site, found);
    }
    return found;
  }

  function planOne(e: PlannedEmployee, date: LocalDate, byPattern: Map<string, Map<string, Decision>>): DayPlan {
    // hireDate and endDate are both days of employment.
    if ((e.hireDate !== null && date < e.hireDate) || (e.endDate !== null && date > e.endDate)) return { employeeId: e.id, date, kind: 'not_employed' };
    const assignment = covering(state.schedules.assignments.get(e.id), date);
    if (assignment === undefined) return { employeeId: e.id, date, kind: 'unassigned' };
    const d = decide(byPattern, assignment.pattern, e.site, date);
    // The common shapes as one literal each (no properties added afterwards).
    if (d.note === undefined && d.makeUp === undefined) return d.shift === undefined ? { employeeId: e.id, date, kind: d.kind } : { employeeId: e.id, date, kind: d.kind, shift: d.shift };
    const plan: DayPlan = { employeeId: e.id, date, kind: d.kind };
    if (d.shift !== undefined) plan.shift = d.shift;
    if (d.note !== undefined) plan.note = d.note;
    if (d.makeUp === true) plan.makeUp = true;
    return plan;
  }

  return {
    plan(employee, date) {
      const day = parseLocalDate(date);
      fresh();
      return planOne(employee, day, decisionsOn(day));
    },
    planMany(employees, date) {
      const day = parseLocalDate(date);
      fresh();
      const byPattern = decisionsOn(day);
      const plans: DayPlan[] = [];
      // Indexed: for-of allocates per element until the code is optimized (100,000 employees).
      for (let i = 0; i < employees.length; i++) plans.push(planOne(employees[i]!, day, byPattern));
      return plans;
    },
    workPlansReaching(employees, date, fromMs, toMs) {
      const day = parseLocalDate(date);
      fresh();
      const byPattern = decisionsOn(day);
      if (!anyWorkReaches(byPattern, sitesOf(employees), day, fromMs, toMs)) return [];
      const plans: DayPlan[] = [];
      for (let i = 0; i < employees.length; i++) {
        const e = employees[i]!;
        if ((e.hireDate !== null && day < e.hireDate) || (e.endDate !== null && day > e.endDate)) continue;
        const assignment = covering(state.schedules.assignments.get(e.id), day);
        if (assignment === undefined) continue;
        const shift = decide(byPattern, assignment.pattern, e.site, day).shift;
        if (shift === undefined || shift.windowEndMs < fromMs || shift.windowStartMs > toMs) continue;
        plans.push(planOne(e, day, byPattern));
      }
      return plans;
    },
    windowSpan(employees, dates) {
      fresh();
      return windowSpan(sitesOf(employees), dates.map(parseLocalDate));
    },
    planRange(employee, from, to) {
      const [first, last] = [parseLocalDate(from), parseLocalDate(to)];
      if (last < first) throw new HubError('INVALID_INPUT', `planRange: to (${to}) is before from (${from})`);
      fresh();
      const plans: DayPlan[] = [];
      for (const date of datesBetween(first, last)) plans.push(planOne(employee, date, decisionsOn(date)));
      return plans;
    },
    reload,
    calendar() {
      fresh();
      return state.statutory;
    },
    get version() {
      return state.version;
    },
  };
}

interface PlannerState {
  version: number;
  schedules: StoredSchedules;
  statutory: StatutoryCalendar;
}

/** Version, schedules and overrides from one read transaction, so they belong together. */
function load(db: HubDatabase): PlannerState {
  const read = db.transaction(() => ({ version: calendarVersion(db), schedules: loadSchedules(db), overrides: loadOverrides(db) }));
  const snapshot = read.deferred();
  return { version: snapshot.version, schedules: snapshot.schedules, statutory: new StatutoryCalendar(packageHolidays(), snapshot.overrides) };
}

/** The employees' sites, worked out once per list (a run asks with the same list for each date). */
const sitesOfList = new WeakMap<readonly PlannedEmployee[], ReadonlySet<string>>();
function sitesOf(employees: readonly PlannedEmployee[]): ReadonlySet<string> {
  let sites = sitesOfList.get(employees);
  if (sites === undefined) {
    const found = new Set<string>();
    for (let i = 0; i < employees.length; i++) found.add(employees[i]!.site);
    sitesOfList.set(employees, (sites = found));
  }
  return sites;
}

/** The assignment whose from..to holds the date (assignments of one employee never overlap). */
function covering(list: readonly Assignment[] | undefined, date: LocalDate): Assignment | undefined {
  if (list === undefined) return undefined;
  for (const a of list) if (a.from <= date && (a.to === null || date <= a.to)) return a;
  return undefined;
}
