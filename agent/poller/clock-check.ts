import type { Logger } from 'pino';
import type { ZkClient } from '../../protocols/zk/client/client.js';
import { diffSeconds, formatLocal, localFromDate, type LocalDateTime } from '../../protocols/zk/time.js';

export interface ClockPolicy {
  /** Drift beyond this raises an alarm (default 60 s). */
  maxDriftSeconds: number;
  /** Set the terminal to gateway time when the drift is beyond the limit (default false). */
  correct: boolean;
}

export const DEFAULT_CLOCK_POLICY: ClockPolicy = { maxDriftSeconds: 60, correct: false };

export interface ClockCheck {
  /** Terminal wall time minus gateway wall time at the site's offset, after any correction. */
  driftSeconds: number;
  /** The drift found before the terminal was set (only when it was set). */
  correctedFrom: number | undefined;
  terminalTime: string;
  /** An alarm text when the drift was beyond the limit, else undefined. */
  alarm: string | undefined;
}

/** Terminal wall time minus the gateway's wall time at the site's UTC offset, in seconds. */
export function clockDrift(terminal: LocalDateTime, gatewayNow: Date, utcOffsetMinutes: number): number {
  return diffSeconds(localFromDate(gatewayNow, utcOffsetMinutes), terminal);
}

/**
 * Reads the terminal's clock and compares it with the gateway's. Beyond the limit it raises an
 * alarm and, when the policy says so, sets the terminal to gateway time and measures again.
 * Punches already recorded keep the time the terminal gave them: nothing is rewritten.
 */
export async function checkClock(
  client: ZkClient,
  policy: ClockPolicy,
  utcOffsetMinutes: number,
  now: () => Date,
  logger: Logger,
): Promise<ClockCheck> {
  const terminal = await client.getTime();
  const drift = clockDrift(terminal, now(), utcOffsetMinutes);
  if (Math.abs(drift) <= policy.maxDriftSeconds) {
    return { driftSeconds: drift, correctedFrom: undefined, terminalTime: formatLocal(terminal), alarm: undefined };
  }
  if (!policy.correct) {
    logger.debug({ driftSeconds: drift, terminalTime: formatLocal(terminal), limit: policy.maxDriftSeconds }, 'terminal clock is off');
    return { driftSeconds: drift, correctedFrom: undefined, terminalTime: formatLocal(terminal), alarm: driftAlarm(drift, policy, false) };
  }
  await client.setTime(localFromDate(now(), utcOffsetMinutes));
  const after = await client.getTime();
  const corrected = clockDrift(after, now(), utcOffsetMinutes);
  logger.warn({ driftSeconds: drift, correctedDriftSeconds: corrected, terminalTimeBefore: formatLocal(terminal) }, 'terminal clock was off: set to gateway time');
  return { driftSeconds: corrected, correctedFrom: drift, terminalTime: formatLocal(after), alarm: driftAlarm(drift, policy, true) };
}

function driftAlarm(drift: number, policy: ClockPolicy, corrected: boolean): string {
  const sign = drift > 0 ? '+' : '';
  const what = `terminal clock ${sign}${drift} s off the gateway (limit ${policy.maxDriftSeconds} s)`;
  return corrected ? `${what}; set to gateway time, punches keep the times the terminal recorded` : what;
}
