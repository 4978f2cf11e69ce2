/**
 * A site's stored punches in a time window, grouped by terminal user id: `users` ascending and
 * distinct; user g's instants, ascending, are `times[ends[g - 1] ?? 0 .. ends[g])`. Flat typed
 * arrays: 300,000 punches are two buffers, not an array per person, and they move from the
 * prefetch worker to the main thread without a copy.
 */
export interface PunchWindow {
  users: string[];
  ends: Int32Array;
  times: Float64Array;
}

/**
 * The window's user ids and instants, in the same (user, time) order: two single-column reads of
 * the (site, time, user) index, sorted by SQLite, so grouping is one scan.
 */
const WINDOW = 'FROM punches WHERE site = ? AND at_ms BETWEEN ? AND ? ORDER BY user_id, at_ms';
export const PUNCH_WINDOW_SQL = { users: `SELECT user_id ${WINDOW}`, times: `SELECT at_ms ${WINDOW}` } as const;

/**
 * Groups the two columns read by PUNCH_WINDOW_SQL. Self-contained (no imports, no outer names):
 * the prefetch worker runs it from its source text.
 */
export function groupPunchWindow(users: readonly string[], times: readonly number[]): PunchWindow {
  const names: string[] = [];
  const ends = new Int32Array(users.length);
  for (let i = 0; i < users.length; i++) {
    const user = users[i] as string;
    if (i === 0 || user !== users[i - 1]) names.push(user);
    ends[names.length - 1] = i + 1;
  }
  return { users: names, ends: ends.slice(0, names.length), times: Float64Array.from(times) };
}
