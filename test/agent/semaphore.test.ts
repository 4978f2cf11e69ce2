import { afterEach, describe, expect, it } from 'vitest';
import { Semaphore } from '../../agent/semaphore.js';
import { closeRigs, rig } from './poller/rig.js';

afterEach(closeRigs);

describe('Semaphore', () => {
  it('lets `slots` holders in at once and the rest in arrival order; release is idempotent', async () => {
    const s = new Semaphore(2);
    const order: string[] = [];
    const a = await s.acquire();
    const b = await s.acquire();
    const c = s.acquire().then((r) => (order.push('c'), r));
    const d = s.acquire().then((r) => (order.push('d'), r));
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    a(); // a second release gives nothing back
    const releaseC = await c;
    expect(order).toEqual(['c']);
    b();
    await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    expect(() => new Semaphore(0)).toThrow(/at least one slot/);
  });

  it('keeps two pollers sharing one read slot from reading their terminals at the same time', async () => {
    const readSlots = new Semaphore(1);
    const events: string[] = [];
    const rigs = await Promise.all(['a', 'b'].map(async (name) => {
      const r = await rig({ sim: { records: 20_000, seed: name === 'a' ? 1 : 2 }, poller: { readSlots, realtime: false } });
      r.poller.on('progress', (p) => events.push(`${name}:${p.records === p.expected ? 'end' : 'chunk'}`));
      return r;
    }));
    await Promise.all(rigs.map((r) => r.poller.pollNow()));
    expect(rigs.map((r) => r.stored().length)).toEqual([20_000, 20_000]);
    // All of one terminal's read happens before any of the other's.
    const first = events[0]!.split(':')[0];
    const switchAt = events.findIndex((e) => !e.startsWith(`${first}:`));
    expect(switchAt).toBeGreaterThan(1);
    expect(events.slice(switchAt).every((e) => !e.startsWith(`${first}:`))).toBe(true);
    expect(events[switchAt - 1]).toBe(`${first}:end`);
  });
});
