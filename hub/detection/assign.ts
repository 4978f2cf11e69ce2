import type { ShiftInstance } from '../model/day-plan.js';
import type { EmployeePunch } from '../model/punch.js';

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
 * are dropped. Returns, for each target at the same index, its punch instants ascending (or
 * undefined for none).
 */
export function assignPunches(targets: readonly PunchTarget[], punches: readonly EmployeePunch[]): (number[] | undefined)[] {
  // Indexes into `targets`, per employee: one number, or a list by start when they have several.
  const byEmployee = new Map<string, number | number[]>();
  for (let i = 0; i < targets.length; i++) {
    const id = targets[i]!.employeeId;
    const found = byEmployee.get(id);
    if (found === undefined) byEmployee.set(id, i);
    else if (typeof found === 'number') byEmployee.set(id, [found, i]);
    else found.push(i);
  }
  for (const found of byEmployee.values()) if (typeof found !== 'number') found.sort((a, b) => targets[a]!.shift.startMs - targets[b]!.shift.startMs);

  const result: (number[] | undefined)[] = new Array<number[] | undefined>(targets.length);
  let unordered: Set<number[]> | undefined;
  for (const p of punches) {
    const found = byEmployee.get(p.employeeId);
    if (found === undefined) continue;
    const best = typeof found === 'number' ? (holds(targets[found]!.shift, p.atMs) ? found : -1) : nearest(targets, found, p.atMs);
    if (best < 0) continue;
    const times = result[best];
    if (times === undefined) result[best] = [p.atMs];
    else {
      if (p.atMs < times[times.length - 1]!) (unordered ??= new Set()).add(times);
      times.push(p.atMs);
    }
  }
  // Punches mostly arrive in time order: sort only the lists that did not.
  if (unordered !== undefined) for (const times of unordered) times.sort((a, b) => a - b);
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
