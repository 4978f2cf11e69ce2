import { describe, expect, it } from 'vitest';
import { Backoff } from '../../agent/backoff.js';

describe('Backoff', () => {
  it('doubles up to the ceiling with jitter between half and all of the delay, and resets', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect([low.next(), low.next(), low.next(), low.next(), low.next(), low.next()]).toEqual([50, 100, 200, 400, 500, 500]);
    low.reset();
    expect(low.next()).toBe(50);
    const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect([high.next(), high.next(), high.next(), high.next(), high.next()]).toEqual([100, 200, 400, 800, 1000]);
    const real = new Backoff({ initialMs: 100, maxMs: 1000 });
    for (let i = 0; i < 50; i++) {
      const d = real.next();
      expect(d).toBeGreaterThanOrEqual(50);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });

  it('with full jitter retries anywhere from at once up to the cap', () => {
    const zero = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 'full', random: () => 0 });
    expect([zero.next(), zero.next()]).toEqual([0, 0]);
    const top = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 'full', random: () => 0.5 });
    expect([top.next(), top.next(), top.next(), top.next(), top.next()]).toEqual([50, 100, 200, 400, 500]);
    expect(top.attempts).toBe(5);
  });
});
