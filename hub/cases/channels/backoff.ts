import type { RetryConfig } from './config.js';

export type RetryDecision = { retry: true; atMs: number } | { retry: false; reason: string };

/**
 * After attempt `attempt` (1-based) failed in a way worth retrying: the next try is
 * `firstDelay * 2^(attempt-1)`, capped at `maxDelay`, with "equal jitter" (between half and all
 * of it) so messages that failed together do not come back together. No next try once the
 * attempts are used up, or when it would fall after the message's maximum age.
 */
export function nextTry(attempt: number, createdAt: number, nowMs: number, retry: RetryConfig, random: () => number): RetryDecision {
  if (attempt >= retry.maxAttempts) return { retry: false, reason: `gave up after ${attempt} attempts` };
  const delay = Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** (attempt - 1));
  const atMs = nowMs + Math.round(delay / 2 + (random() * delay) / 2);
  if (atMs - createdAt > retry.maxAgeMs) return { retry: false, reason: `gave up after ${attempt} attempts: the next would be more than ${hours(retry.maxAgeMs)} after it was queued` };
  return { retry: true, atMs };
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 1 ? `${Number(h.toFixed(2))} h` : `${Math.round(ms / 60_000)} min`;
}
