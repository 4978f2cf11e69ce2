import type { LeaveInterval } from '../model/leave.js';

/** How approved leave covers one shift `[startMs, endMs)`. */
export interface LeaveCover {
  /** Milliseconds of the shift under leave (overlapping leaves counted once). */
  coveredMs: number;
  /** The expected start: the shift start, or the end of leave that covers the start. */
  expectedStartMs: number;
  /** The expected end: the shift end, or the start of leave that covers the end. */
  expectedEndMs: number;
  /** The whole shift is under leave. */
  whole: boolean;
  /** The leave that covers the start, when one does (for reasons given to HR). */
  startLeave: LeaveInterval | null;
}

/**
 * Merges the leave of one employee over one shift; `leaves` may hold any intervals, in any order.
 * Null when no leave covers any part of the shift (nearly every shift: no object made for it).
 */
export function leaveCover(startMs: number, endMs: number, leaves: readonly LeaveInterval[]): LeaveCover | null {
  const parts: [number, number, LeaveInterval][] = [];
  for (const l of leaves) {
    const from = Math.max(l.startMs, startMs);
    const to = Math.min(l.endMs, endMs);
    if (from < to) parts.push([from, to, l]);
  }
  if (parts.length === 0) return null;
  parts.sort((a, b) => a[0] - b[0]);
  // Merged segments, touching ones joined: two back-to-back leaves cover like one.
  const merged: [number, number][] = [];
  let startLeave: LeaveInterval | null = null;
  for (const [from, to, l] of parts) {
    if (from === startMs && startLeave === null) startLeave = l;
    const last = merged[merged.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  const first = merged[0]!;
  const final = merged[merged.length - 1]!;
  const coveredMs = merged.reduce((sum, [from, to]) => sum + (to - from), 0);
  return {
    coveredMs,
    expectedStartMs: first[0] === startMs ? first[1] : startMs,
    expectedEndMs: final[1] === endMs ? final[0] : endMs,
    whole: coveredMs === endMs - startMs,
    startLeave,
  };
}
