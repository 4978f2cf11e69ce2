/**
 * Approved leave as detection sees it: an interval of instants. A full-day leave covers the whole
 * local days from..to at the employee's site; a partial one covers the given local times.
 */
export interface LeaveInterval {
  leaveId: number;
  employeeId: string;
  /** Instants (epoch ms), start inclusive, end exclusive. */
  startMs: number;
  endMs: number;
  kind: string;
}
