/** Punch instants (epoch ms) per employee, each list ascending: stored punches as detection reads them. */
export type PunchTimes = ReadonlyMap<string, readonly number[]>;
