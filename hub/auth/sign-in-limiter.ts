import { HubError } from '../errors.js';

export interface LimiterOptions {
  /** Failures within the window after which a key is refused. */
  maxFailures: number;
  windowMs: number;
  /** Keys tracked at most; past it the key whose last failure is oldest is forgotten. */
  maxKeys: number;
}

export const DEFAULT_LIMITER_OPTIONS: LimiterOptions = { maxFailures: 5, windowMs: 15 * 60_000, maxKeys: 10_000 };

/**
 * Slows down password guessing: per key (`user:alice`, `ip:10.0.0.1`), a sliding window of failed
 * sign-ins; a key with `maxFailures` failures in the last `windowMs` is refused until the oldest
 * of them leaves the window. Keying by user stops guessing one account from many addresses;
 * keying by address stops one address trying many accounts.
 *
 * In memory, per process: a restart forgets, and several hub processes each count their own. The
 * memory is bounded: a key keeps at most `maxFailures` times (older ones cannot change the
 * answer), keys whose failures have all left the window are dropped, and past `maxKeys` the key
 * with the oldest last failure is forgotten. Someone failing from very many addresses can thus
 * push out a locked key; the per-user key of the account they guess at is kept fresh by their own
 * failures, so it is the last to go.
 */
export class SignInLimiter {
  private readonly options: LimiterOptions;
  /** Failure times per key, oldest first; the map's order is that of each key's last failure. */
  private readonly failures = new Map<string, number[]>();

  constructor(options: Partial<LimiterOptions> = {}) {
    const merged = { ...DEFAULT_LIMITER_OPTIONS, ...options };
    for (const [name, value] of Object.entries(merged)) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new HubError('INVALID_INPUT', `sign-in limiter ${name} must be a positive whole number, not ${String(value)}`);
    }
    this.options = merged;
  }

  /** Whether a sign-in for all these keys may be tried now; when not, how long until it may. */
  check(keys: readonly string[], nowMs: number): { allowed: true } | { allowed: false; retryAfterMs: number } {
    let retryAfterMs = 0;
    for (const key of keys) {
      const times = this.recent(key, nowMs);
      if (times === undefined || times.length < this.options.maxFailures) continue;
      // Allowed again once the oldest failure that keeps the count at the limit leaves the window.
      const oldest = times[times.length - this.options.maxFailures]!;
      retryAfterMs = Math.max(retryAfterMs, oldest + this.options.windowMs - nowMs);
    }
    return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true };
  }

  /** Records a failed sign-in against every key. */
  failed(keys: readonly string[], nowMs: number): void {
    for (const key of keys) {
      const times = this.recent(key, nowMs) ?? [];
      times.push(nowMs);
      if (times.length > this.options.maxFailures) times.splice(0, times.length - this.options.maxFailures);
      // Re-inserted so that the map stays ordered by last failure.
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    this.dropStale(nowMs);
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.options.maxKeys) break;
      this.failures.delete(key);
    }
  }

  /** Forgets the failures of these keys (callers pass only the user key: an address that guessed stays counted). */
  succeeded(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  /** How many keys are tracked now. */
  get size(): number {
    return this.failures.size;
  }

  /** The failures of a key still in the window, or undefined (and the key dropped) when none are. */
  private recent(key: string, nowMs: number): number[] | undefined {
    const times = this.failures.get(key);
    if (times === undefined) return undefined;
    const since = nowMs - this.options.windowMs;
    let stale = 0;
    while (stale < times.length && times[stale]! <= since) stale++;
    if (stale === times.length) {
      this.failures.delete(key);
      return undefined;
    }
    if (stale > 0) times.splice(0, stale);
    return times;
  }

  /** Drops keys from the front (oldest last failure) while all their failures are out of the window. */
  private dropStale(nowMs: number): void {
    const since = nowMs - this.options.windowMs;
    for (const [key, times] of this.failures) {
      if ((times.at(-1) ?? since) > since) break;
      this.failures.delete(key);
    }
  }
}
