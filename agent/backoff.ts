/**
 * Reconnect delays for everything the agent reconnects to (terminals, the broker, HID readers):
 * exponential growth, capped, with jitter so that many clients that lost a peer together do not
 * all come back in the same instant (AWS architecture blog, "Exponential Backoff And Jitter").
 */
export interface BackoffOptions {
  /** The cap of the first delay (default 1000 ms). */
  initialMs: number;
  /** The largest cap (default 60000 ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000 };

/** The cap for the attempt-th retry (0-based): initialMs · 2^attempt, at most maxMs. */
export function backoffCap(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.min(30, Math.max(0, Math.floor(attempt)));
  return Math.min(options.maxMs, options.initialMs * 2 ** exponent);
}

/**
 * Full jitter: a uniformly random delay in [0, cap). Many terminals that went down together (a
 * switch rebooted) come back spread over the window instead of all at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCap(attempt, options));
}

export interface BackoffCounterOptions extends Partial<BackoffOptions> {
  /**
   * 'full': a delay anywhere in [0, cap); 'equal': between half the cap and the cap (never
   * retries at once). Default 'equal'.
   */
  jitter?: 'full' | 'equal';
  /** Randomness source in [0, 1), injectable for tests (default Math.random). */
  random?: () => number;
}

/** Counts failed attempts and hands out the next delay; `reset()` after a success. */
export class Backoff {
  private attempt = 0;
  private readonly options: BackoffOptions;
  private readonly jitter: 'full' | 'equal';
  private readonly random: () => number;

  constructor(options: BackoffCounterOptions = {}) {
    const initialMs = Math.max(1, options.initialMs ?? DEFAULT_BACKOFF.initialMs);
    this.options = { initialMs, maxMs: Math.max(initialMs, options.maxMs ?? DEFAULT_BACKOFF.maxMs) };
    this.jitter = options.jitter ?? 'equal';
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt. */
  next(): number {
    const attempt = this.attempt++;
    if (this.jitter === 'full') return backoffDelay(attempt, this.options, this.random);
    const cap = backoffCap(attempt, this.options);
    return Math.round(cap / 2 + this.random() * (cap / 2));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
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
