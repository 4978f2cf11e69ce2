import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITER_OPTIONS, SignInLimiter } from '../../../hub/auth/sign-in-limiter.js';
import { hubErrorOf } from '../hub-error.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-01T09:00:00+08:00');
const ALICE = ['user:alice', 'ip:10.0.0.1'];

describe('the sign-in limiter', () => {
  it('refuses after 5 failures within 15 minutes, and says for how long', () => {
    expect(DEFAULT_LIMITER_OPTIONS).toMatchObject({ maxFailures: 5, windowMs: 15 * MINUTE, maxKeys: 10_000 });
    const limiter = new SignInLimiter();
    for (let i = 0; i < 4; i++) {
      limiter.failed(ALICE, T0 + i * MINUTE);
      expect(limiter.check(ALICE, T0 + i * MINUTE)).toEqual({ allowed: true });
    }
    limiter.failed(ALICE, T0 + 4 * MINUTE);
    // Allowed again when the first failure leaves the window: 15 minutes after it.
    expect(limiter.check(ALICE, T0 + 4 * MINUTE)).toEqual({ allowed: false, retryAfterMs: 11 * MINUTE });
    expect(limiter.check(ALICE, T0 + 10 * MINUTE)).toEqual({ allowed: false, retryAfterMs: 5 * MINUTE });
    expect(limiter.check(ALICE, T0 + 15 * MINUTE - 1)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(limiter.check(ALICE, T0 + 15 * MINUTE)).toEqual({ allowed: true });
  });

  it('slides the window: one more failure locks again until the next oldest leaves it', () => {
    const limiter = new SignInLimiter();
    for (let i = 0; i < 5; i++) limiter.failed(ALICE, T0 + i * MINUTE);
    expect(limiter.check(ALICE, T0 + 15 * MINUTE)).toEqual({ allowed: true });
    limiter.failed(ALICE, T0 + 15 * MINUTE);
    expect(limiter.check(ALICE, T0 + 15 * MINUTE)).toEqual({ allowed: false, retryAfterMs: MINUTE });
    expect(limiter.check(ALICE, T0 + 16 * MINUTE)).toEqual({ allowed: true });
    // Failures spread wider than the window never lock.
    const slow = new SignInLimiter();
    for (let i = 0; i < 20; i++) {
      slow.failed(['user:bob'], T0 + i * 4 * MINUTE);
      expect(slow.check(['user:bob'], T0 + i * 4 * MINUTE).allowed).toBe(true);
    }
  });

  it('refuses when any key is locked, with the longest wait', () => {
    const limiter = new SignInLimiter({ maxFailures: 3, windowMs: 10 * MINUTE });
    // One address trying three accounts locks the address for every account.
    limiter.failed(['user:alice', 'ip:10.0.0.9'], T0);
    limiter.failed(['user:bob', 'ip:10.0.0.9'], T0 + MINUTE);
    limiter.failed(['user:carol', 'ip:10.0.0.9'], T0 + 2 * MINUTE);
    expect(limiter.check(['user:dave', 'ip:10.0.0.9'], T0 + 2 * MINUTE)).toEqual({ allowed: false, retryAfterMs: 8 * MINUTE });
    expect(limiter.check(['user:dave', 'ip:10.0.0.2'], T0 + 2 * MINUTE)).toEqual({ allowed: true });
    // Three addresses guessing one account lock the account from everywhere.
    limiter.failed(['user:erin', 'ip:a'], T0 + 3 * MINUTE);
    limiter.failed(['user:erin', 'ip:b'], T0 + 4 * MINUTE);
    limiter.failed(['user:erin', 'ip:c'], T0 + 5 * MINUTE);
    expect(limiter.check(['user:erin', 'ip:d'], T0 + 5 * MINUTE)).toEqual({ allowed: false, retryAfterMs: 8 * MINUTE });
    expect(limiter.check(['user:erin', 'ip:10.0.0.9'], T0 + 5 * MINUTE)).toEqual({ allowed: false, retryAfterMs: 8 * MINUTE });
    expect(limiter.check([], T0)).toEqual({ allowed: true });
  });

  it('forgets the user key on success, the address key stays counted', () => {
    const limiter = new SignInLimiter({ maxFailures: 2 });
    limiter.failed(ALICE, T0);
    limiter.failed(['user:alice'], T0 + 1);
    expect(limiter.check(['user:alice'], T0 + 2).allowed).toBe(false);
    limiter.succeeded(['user:alice']);
    expect(limiter.check(['user:alice'], T0 + 2)).toEqual({ allowed: true });
    limiter.failed(ALICE, T0 + 3);
    expect(limiter.check(['user:alice'], T0 + 4)).toEqual({ allowed: true });
    expect(limiter.check(['ip:10.0.0.1'], T0 + 4)).toEqual({ allowed: false, retryAfterMs: 15 * MINUTE - 4 });
  });

  it('keeps memory bounded: stale keys are dropped and past the cap the oldest key goes', () => {
    const limiter = new SignInLimiter({ maxFailures: 1, windowMs: 10 * MINUTE, maxKeys: 3 });
    limiter.failed(['ip:a'], T0);
    limiter.failed(['ip:b'], T0 + 1);
    limiter.failed(['ip:c'], T0 + 2);
    // A fresh failure makes a key the newest.
    limiter.failed(['ip:a'], T0 + 3);
    limiter.failed(['ip:d'], T0 + 4);
    expect(limiter.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((k) => limiter.check([`ip:${k}`], T0 + 5).allowed)).toEqual([false, true, false, false]);
    // Once every failure of a key is outside the window, the key is gone.
    limiter.failed(['ip:e'], T0 + 10 * MINUTE + 3);
    expect(limiter.size).toBe(2);
    expect(limiter.check(['ip:d'], T0 + 10 * MINUTE + 3).allowed).toBe(false);
    expect(limiter.check(['ip:d'], T0 + 10 * MINUTE + 4)).toEqual({ allowed: true });
    expect(limiter.size).toBe(1);

    const many = new SignInLimiter();
    for (let i = 0; i < 25_000; i++) many.failed([`ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`], T0 + i);
    expect(many.size).toBe(10_000);
    // Each key keeps only the failures that can change the answer.
    for (let i = 0; i < 50; i++) many.failed(['user:alice'], T0 + 25_000 + i);
    expect(many.check(['user:alice'], T0 + 25_050)).toEqual({ allowed: false, retryAfterMs: 15 * MINUTE - 5 });
  });

  it('refuses options that make no sense', () => {
    expect(hubErrorOf(() => new SignInLimiter({ maxFailures: 0 })).message).toMatch(/maxFailures must be a positive whole number/);
    expect(hubErrorOf(() => new SignInLimiter({ windowMs: -1 })).code).toBe('INVALID_INPUT');
    expect(hubErrorOf(() => new SignInLimiter({ maxKeys: 1.5 })).message).toMatch(/maxKeys/);
  });
});
