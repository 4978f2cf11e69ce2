import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox, type NewPunch } from '../../../agent/store/outbox.js';
import { silent, tempDir } from '../../helpers/temp.js';

const dirs: Array<ReturnType<typeof tempDir>> = [];
const boxes: Outbox[] = [];
afterEach(() => {
  for (const b of boxes.splice(0)) b.close();
  for (const d of dirs.splice(0)) d.cleanup();
});

function open(extra: Partial<ConstructorParameters<typeof Outbox>[0]> = {}, path?: string): Outbox {
  let file = path;
  if (file === undefined) {
    const d = tempDir('outbox-');
    dirs.push(d);
    file = d.file('outbox.sqlite');
  }
  const box = new Outbox({ path: file, logger: silent, ...extra });
  boxes.push(box);
  return box;
}

const punch = (i: number, extra: Partial<NewPunch> = {}): NewPunch => ({
  deviceSerial: 'SN1',
  userId: String(1000 + (i % 50)),
  localTime: `2026-11-23T08:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
  at: '',
  state: 0,
  verify: 1,
  workcode: 0,
  source: 'poll',
  ...extra,
});
const withAt = (p: NewPunch): NewPunch => ({ ...p, at: `${p.localTime}+08:00` });

describe('Outbox', () => {
  it('stores punches once by id, numbers them in order and hands them out undelivered', () => {
    const box = open();
    const batch = Array.from({ length: 10 }, (_, i) => withAt(punch(i)));
    expect(box.insert(batch)).toEqual({ inserted: 10, duplicates: 0 });
    expect(box.insert([batch[3]!, batch[4]!, withAt(punch(10))])).toEqual({ inserted: 1, duplicates: 2 });
    const pending = box.pending(0, 100);
    expect(pending.map((p) => p.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(pending[0]).toMatchObject({ deviceSerial: 'SN1', userId: '1000', at: '2026-11-23T08:00:00+08:00', source: 'poll' });
    expect(new Set(pending.map((p) => p.id)).size).toBe(11);
    expect(box.pending(8, 2).map((p) => p.seq)).toEqual([9, 10]);
    expect(box.backlog()).toBe(11);
  });

  it('hands out the next undelivered punches as one JSON array in the contract\'s shape, written by SQLite', () => {
    const box = open();
    expect(box.pendingBatch(0, 10)).toBeUndefined();
    box.insert(Array.from({ length: 6 }, (_, i) => withAt(punch(i, { userId: i === 2 ? 'Zhang "Wei"\\\u00e9' : String(1000 + i), workcode: 4_000_000_000 }))));
    box.markDelivered(2, 3);
    const batch = box.pendingBatch(0, 3)!;
    expect(batch).toMatchObject({ seqFrom: 1, seqTo: 5, count: 3 });
    const punches = JSON.parse(batch.punchesJson) as unknown[];
    const rows = box.pending(0, 100).slice(0, 3);
    // The same punches as the row-by-row read, minus seq, with nothing else in them and in seq order.
    expect(punches).toEqual(rows.map(({ seq: _seq, ...p }) => p));
    expect(Object.keys(punches[0] as object)).toEqual(['id', 'deviceSerial', 'userId', 'at', 'state', 'verify', 'workcode', 'source']);
    expect(box.pendingBatch(5, 10)).toMatchObject({ seqFrom: 6, seqTo: 6, count: 1 });
    expect(box.pendingBatch(6, 10)).toBeUndefined();
  });

  it('keeps its page cache small unless told otherwise, and refuses a nonsensical size', () => {
    // better-sqlite3 builds SQLite with a 16 MB default cache; the outbox's working set is its tail.
    const cacheOf = (box: Outbox): unknown => (box as unknown as { db: Database.Database }).db.pragma('cache_size', { simple: true });
    expect(cacheOf(open())).toBe(-2048);
    expect(cacheOf(open({ cacheKiB: 8192 }))).toBe(-8192);
    expect(() => open({ cacheKiB: 1.5 })).toThrow(/whole number of KiB/);
    expect(() => open({ cacheKiB: 10 })).toThrow(/at least 64/);
  });

  it('marks ranges delivered and never reuses a sequence number, even after pruning', () => {
    const box = open({ keepDelivered: 2 });
    box.insert(Array.from({ length: 6 }, (_, i) => withAt(punch(i))));
    expect(box.markDelivered(1, 4)).toBe(4);
    expect(box.markDelivered(1, 4)).toBe(0);
    expect(box.pending(0, 10).map((p) => p.seq)).toEqual([5, 6]);
    expect(box.prune()).toBe(2); // seq 1 and 2 go, 3 and 4 are kept
    box.markDelivered(5, 6);
    box.insert([withAt(punch(99))]);
    expect(box.pending(0, 10).map((p) => p.seq)).toEqual([7]);
  });

  it('advances an epoch at every open and keeps everything across reopen', () => {
    const d = tempDir('outbox-');
    dirs.push(d);
    const first = open({}, d.file('o.sqlite'));
    first.insertPolled([withAt(punch(1))], { serial: 'SN1', recordCount: 1, lastFingerprint: 'abc' });
    first.close();
    const second = open({}, d.file('o.sqlite'));
    expect(second.epoch).toBe(first.epoch + 1);
    expect(second.backlog()).toBe(1);
    expect(second.getWatermark('SN1')).toEqual({ serial: 'SN1', recordCount: 1, lastFingerprint: 'abc' });
    expect(second.getWatermark('SN2')).toBeUndefined();
  });

  it('reports full at the backlog bound and at the free-disk floor', () => {
    let free = 10 * 2 ** 30;
    const box = open({ maxBacklog: 3, minFreeBytes: 2 ** 30, freeBytes: () => free });
    box.insert([withAt(punch(1)), withAt(punch(2))]);
    expect(box.capacity()).toMatchObject({ full: false, backlog: 2 });
    box.insert([withAt(punch(3))]);
    expect(box.capacity()).toMatchObject({ full: true, reason: expect.stringContaining('3 undelivered punches (limit 3)') });
    box.markDelivered(1, 3);
    expect(box.capacity().full).toBe(false);
    free = 100 * 2 ** 20;
    expect(box.capacity()).toMatchObject({ full: true, reason: expect.stringContaining('only 100 MiB free') });
  });

  it('writes a poll and its watermark atomically: a failing row rolls both back', () => {
    const box = open();
    const bad = { ...withAt(punch(2)), state: Number.NaN } as NewPunch; // STRICT table refuses a non-integer
    expect(() => box.insertPolled([withAt(punch(1)), bad], { serial: 'SN1', recordCount: 2, lastFingerprint: 'x' })).toThrow();
    expect(box.backlog()).toBe(0);
    expect(box.getWatermark('SN1')).toBeUndefined();
  });

  it('refuses a file that is not an outbox with a STORE error naming the path', () => {
    const d = tempDir('outbox-');
    dirs.push(d);
    const path = d.file('junk.sqlite');
    writeFileSync(path, 'this is not a database at all, just text'.repeat(100));
    expect(() => new Outbox({ path, logger: silent })).toThrow(expect.objectContaining({ code: 'STORE', message: expect.stringContaining(path) }));
  });

  it('refuses a schema from a newer agent', () => {
    const d = tempDir('outbox-');
    dirs.push(d);
    const path = d.file('newer.sqlite');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new Outbox({ path, logger: silent })).toThrow(/newer than this agent/);
  });
});
