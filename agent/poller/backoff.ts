/** Reconnect delays: exponential growth, capped, with full jitter (AWS architecture blog, 2015). */
export interface BackoffOptions {
  /** The cap of the first delay (default 1000 ms). */
  initialMs: number;
  /** The largest cap (default 60000 ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000 };

/** The cap for the attempt-th retry (0-based): initialMs · 2^attempt, at most maxMs. */
export function backoffCap(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, Math.floor(attempt));
  return Math.min(options.maxMs, options.initialMs * 2 ** exponent);
}

/**
 * Full jitter: a uniformly random delay in [0, cap). Many terminals that went down together (a
 * switch rebooted) come back spread over the window instead of all at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCap(attempt, options));
}

/**
 * A wait that can be cut short: `wake()` ends the current wait early (a terminal closed the link,
 * stop was called). Holds at most one timer, and none once the wait ended.
 */
export class Sleeper {
  private timer: NodeJS.Timeout | undefined;
  private done: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    this.wake();
    return new Promise((resolve) => {
      this.done = resolve;
      this.timer = setTimeout(() => this.wake(), Math.max(0, ms));
    });
  }

  /** Ends the current wait now (no effect when nothing waits). */
  wake(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const done = this.done;
    this.done = undefined;
    done?.();
  }

  get sleeping(): boolean {
    return this.done !== undefined;
  }
}
