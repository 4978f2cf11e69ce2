/**
 * Reconnect delays: exponential with "equal jitter" (half the delay fixed, half random), so a
 * site's gateways that lost the broker together do not all come back in the same instant.
 * mqtt.js only knows a fixed `reconnectPeriod`, so the publisher turns that off and asks here.
 */
export interface BackoffOptions {
  /** First delay (default 1,000 ms). */
  initialMs?: number;
  /** Ceiling of the delay (default 30,000 ms). */
  maxMs?: number;
  /** Randomness source in [0, 1), injectable for tests (default Math.random). */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = Math.max(1, options.initialMs ?? 1000);
    this.maxMs = Math.max(this.initialMs, options.maxMs ?? 30_000);
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt: initial·2^n capped at max, then between half and all of it. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  /** After a successful connection: the next failure starts from the initial delay again. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
