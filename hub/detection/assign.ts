import type { ShiftInstance } from '../model/day-plan.js';
import type { PunchTimes } from '../model/punch.js';

/** A shift instance of an employee that punches can belong to (a work DayPlan is one). */
export interface PunchTarget {
  employeeId: string;
  shift: ShiftInstance;
}

/**
 * Gives each punch to the instance of its employee whose window `[windowStartMs, windowEndMs]`
 * holds it. When the windows of consecutive instances overlap (a night shift's closing window runs
 * into the next morning's opening one), the punch goes to the instance with the nearest start or
 * end: 06:03 after a 22:00-06:00 shift is that shift's clock-out, 07:50 before an 08:00 shift is
 * the day shift's clock-in. An exact tie goes to the earlier instance. Punches no window holds
 * are dropped. Takes each employee's instants ascending; returns, for each target at the same
 * index, its punch instants ascending (or undefined for none).
 */
export function assignPunches(targets: readonly PunchTarget[], punches: PunchTimes): (number[] | undefined)[] {
  // Indexes into `targets`, per employee: one number, or a list by start when they have several.
  const byEmployee = new Map<string, number | number[]>();
  for (let i = 0; i < targets.length; i++) {
    const id = targets[i]!.employeeId;
    const found = byEmployee.get(id);
    if (found === undefined) byEmployee.set(id, i);
    else if (typeof found === 'number') byEmployee.set(id, [found, i]);
    else found.push(i);
  }
  const result: (number[] | undefined)[] = new Array<number[] | undefined>(targets.length);
  for (const [employeeId, found] of byEmployee) {
    const times = punches.get(employeeId);
    if (times === undefined) continue;
    if (typeof found === 'number') {
      const s = targets[found]!.shift;
      for (const atMs of times) if (holds(s, atMs)) (result[found] ??= []).push(atMs);
      continue;
    }
    found.sort((a, b) => targets[a]!.shift.startMs - targets[b]!.shift.startMs);
    for (const atMs of times) {
      const best = nearest(targets, found, atMs);
      if (best >= 0) (result[best] ??= []).push(atMs);
    }
  }
  return result;
}

function holds(s: ShiftInstance, atMs: number): boolean {
  return atMs >= s.windowStartMs && atMs <= s.windowEndMs;
}

/** Of the targets (indexes, by start) whose window holds the punch, the one with the nearest start or end; -1 for none. */
function nearest(targets: readonly PunchTarget[], indexes: readonly number[], atMs: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (const i of indexes) {
    const s = targets[i]!.shift;
    if (!holds(s, atMs)) continue;
    const distance = Math.min(Math.abs(atMs - s.startMs), Math.abs(atMs - s.endMs));
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}
