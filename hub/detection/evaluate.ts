import { appendTo } from '../collections.js';
import { HubError } from '../errors.js';
import type { DayPlan, ShiftInstance } from '../model/day-plan.js';
import type { LeaveInterval } from '../model/leave.js';
import { addDays, type LocalDate } from '../time/local-date.js';
import type { Zone } from '../time/zone.js';
import { punchAssigner } from './assign.js';
import { classifyDayOff, classifyShift } from './classify.js';
import { leaveCover } from './leave-cover.js';
import { checkNoShow, type NoShowCheck } from './no-show.js';
import type { DetectionPorts } from './ports.js';
import type { Judgement } from './types.js';

/** One plan of a target date, judged at decision time. */
export interface Evaluation {
  plan: DayPlan;
  /** The plan's shift on a work day, else null. */
  shift: ShiftInstance | null;
  /** Null for days that get no row (not employed, no schedule assignment). */
  classification: Judgement | null;
  /** Work plans only. */
  noShow: NoShowCheck | null;
}

export interface EvaluateRequest {
  ports: DetectionPorts;
  zone: Zone;
  employeeIds: readonly string[];
  /** Ascending, consecutive local dates. */
  dates: readonly LocalDate[];
  /** min(now, the site's watermark): nothing after it is final. */
  decisionMs: number;
  /** Punches after now are not known yet (a replay of a past day must see what was known then). */
  nowMs: number;
}

type WorkPlan = DayPlan & { shift: ShiftInstance };

const NO_PUNCHES: readonly number[] = [];

/**
 * Judges every plan of the given employees on the given dates, reading each kind of input once:
 * plans per date (plus the day before and after, whose shifts compete for punches in overlapping
 * windows), then the punches of the span of the dates' windows and the leave of the span of their
 * shifts.
 */
export function evaluateDays(req: EvaluateRequest): Evaluation[] {
  const { ports, zone: z, employeeIds, dates, decisionMs, nowMs } = req;
  const first = dates[0];
  const last = dates[dates.length - 1];
  if (first === undefined || last === undefined) return [];
  ports.prefetchPunches?.(employeeIds, dates, nowMs);
  // Indexed loops over the day's plans: for-of allocates an iterator result per element until the
  // code is optimized, and a run goes through 200,000 plans once (measured: 15 MB of garbage).
  const targets: DayPlan[] = [];
  for (const date of dates) {
    const plans = ports.plans(employeeIds, date);
    for (let i = 0; i < plans.length; i++) targets.push(plans[i]!);
  }

  const work: WorkPlan[] = [];
  let windowFrom = Infinity;
  let windowTo = -Infinity;
  let shiftFrom = Infinity;
  let shiftTo = -Infinity;
  for (let i = 0; i < targets.length; i++) {
    const plan = targets[i]!;
    if (!isWork(plan)) continue;
    work.push(plan);
    windowFrom = Math.min(windowFrom, plan.shift.windowStartMs);
    windowTo = Math.max(windowTo, plan.shift.windowEndMs);
    shiftFrom = Math.min(shiftFrom, plan.shift.startMs);
    shiftTo = Math.max(shiftTo, plan.shift.endMs);
  }
  // Punch instants of work[i], at the same index.
  let punchTimes: (readonly number[] | undefined)[] = [];
  const leaveOf = new Map<string, LeaveInterval[]>();
  if (work.length > 0) {
    // Shifts of the days around compete for punches only where their windows reach into the span
    // of punches read (none after now).
    const punchesTo = Math.min(windowTo, nowMs);
    const competing: WorkPlan[] = [...work];
    if (windowFrom <= punchesTo) {
      for (const date of [addDays(first, -1), addDays(last, 1)]) {
        for (const plan of ports.workPlansReaching(employeeIds, date, windowFrom, punchesTo)) if (isWork(plan)) competing.push(plan);
      }
    }
    // Leave and the targets' grouping before punches: a prefetched punch read gets this long to finish.
    for (const l of ports.leave(shiftFrom, shiftTo, employeeIds)) {
      appendTo(leaveOf, l.employeeId, l);
    }
    if (windowFrom <= punchesTo) {
      const assign = punchAssigner(competing);
      punchTimes = assign(ports.punches(windowFrom, punchesTo, employeeIds));
    }
  }

  const dayEnds = new Map<LocalDate, number>();
  const dayEnd = (date: LocalDate): number => {
    let end = dayEnds.get(date);
    if (end === undefined) dayEnds.set(date, (end = z.instant(addDays(date, 1), 0)));
    return end;
  };
  let w = 0;
  return targets.map((plan): Evaluation => {
    if (isWork(plan)) {
      const times = punchTimes[w++] ?? NO_PUNCHES;
      const leaves = leaveOf.get(plan.employeeId);
      const cover = leaves === undefined ? null : leaveCover(plan.shift.startMs, plan.shift.endMs, leaves);
      return { plan, shift: plan.shift, classification: classifyShift(plan, times, cover, decisionMs), noShow: checkNoShow(plan.shift, times, cover, decisionMs) };
    }
    if (plan.kind === 'rest' || plan.kind === 'holiday') {
      return { plan, shift: null, classification: classifyDayOff(plan, plan.kind, dayEnd(plan.date), decisionMs), noShow: null };
    }
    return { plan, shift: null, classification: null, noShow: null };
  });
}

function isWork(plan: DayPlan): plan is WorkPlan {
  if (plan.kind !== 'work') return false;
  if (plan.shift === undefined) {
    throw new HubError('CALENDAR', `the plan of employee ${plan.employeeId} on ${plan.date} is a work day without a shift; fix the calendar's output`);
  }
  return true;
}
