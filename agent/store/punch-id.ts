import { createHash } from 'node:crypto';

/**
 * The edge-made punch id: the same terminal record gets the same id however it reaches the agent
 * (realtime event, poll, re-read after a restart). It hashes what every path sees alike: the
 * terminal's serial number, the user id, the wall-clock time to the second and the punch state.
 * Verify mode and work code are left out because some event layouts do not carry them. Two
 * identical punches in the same second are one punch.
 */
export function punchId(deviceSerial: string, userId: string, localTime: string, state: number): string {
  const digest = createHash('sha256').update(`${deviceSerial}\u0000${userId}\u0000${localTime}\u0000${state}`).digest('base64url');
  return `p1-${digest.slice(0, 26)}`;
}

/** Fingerprint of one stored record, for checking a terminal's log still starts as it did. */
export function recordFingerprint(userId: string, rawTime: number, state: number, verify: number): string {
  return createHash('sha256').update(`${userId}\u0000${rawTime}\u0000${state}\u0000${verify}`).digest('base64url').slice(0, 22);
}
