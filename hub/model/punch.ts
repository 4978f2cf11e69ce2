/** A stored punch as detection reads it: the employee it resolved to and its instant. */
export interface EmployeePunch {
  employeeId: string;
  /** Epoch ms. */
  atMs: number;
}

/** Punch instants per employee, each list ascending. */
export type PunchTimes = ReadonlyMap<string, readonly number[]>;

/** Groups punches by employee, each employee's instants ascending. */
export function punchTimes(punches: Iterable<EmployeePunch>): Map<string, number[]> {
  const times = new Map<string, number[]>();
  for (const p of punches) {
    const list = times.get(p.employeeId);
    if (list === undefined) times.set(p.employeeId, [p.atMs]);
    else list.push(p.atMs);
  }
  for (const list of times.values()) list.sort((a, b) => a - b);
  return times;
}
