import { afterEach, describe, expect, it } from 'vitest';
import { LogIngest, planIngest, resetPlan, fingerprintOf, type IngestPlan } from '../../../agent/poller/log-ingest.js';
import { Outbox } from '../../../agent/store/outbox.js';
import type { AttendanceRecord } from '../../../protocols/zk/attendance.js';
import { encodeZkTime } from '../../../protocols/zk/time.js';
import { silent, tempDir } from '../../helpers/temp.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function outbox(extra: { maxBacklog?: number } = {}): Outbox {
  const d = tempDir('ingest-');
  const box = new Outbox({ path: d.file('o.sqlite'), logger: silent, ...extra });
  cleanups.push(() => box.close(), () => d.cleanup());
  return box;
}

function record(i: number, user = 1000 + (i % 7)): AttendanceRecord {
  const time = { year: 2026, month: 3, day: 1 + (Math.floor(i / 3600) % 28), hour: Math.floor(i / 60) % 24, minute: i % 60, second: 0 };
  return { uid: 1, userId: String(user), verify: 1, state: 0, workcode: 0, rawTime: encodeZkTime(time), time };
}

function run(box: Outbox, records: AttendanceRecord[], plan: IngestPlan, batchSize = 4): LogIngest {
  const ingest = new LogIngest({ outbox: box, serial: 'SN', utcOffsetMinutes: 480, plan, batchSize, logger: silent, fullReason: () => box.capacity().reason });
  records.forEach((r, i) => ingest.onRecord(r, i));
  return ingest;
}

const log = Array.from({ length: 10 }, (_, i) => record(i));

describe('LogIngest', () => {
  it('stores everything on a first read, batch by batch, with the watermark on the last record', () => {
    const box = outbox();
    const result = run(box, log, planIngest(undefined, 10)).finish();
    expect(result).toMatchObject({ mode: 'append', records: 10, inserted: 10, duplicates: 0, watermark: 10 });
    expect(box.getWatermark('SN')).toEqual({ serial: 'SN', recordCount: 10, lastFingerprint: fingerprintOf(log[9]!) });
  });

  it('skips the stored prefix, checks only its last record, stores the rest', () => {
    const box = outbox();
    run(box, log.slice(0, 6), planIngest(undefined, 6)).finish();
    const plan = planIngest(box.getWatermark('SN'), 10);
    expect(plan).toMatchObject({ mode: 'append', skip: 6 });
    const result = run(box, log, plan).finish();
    expect(result).toMatchObject({ inserted: 4, duplicates: 0, watermark: 10, resetNeeded: undefined });
    expect(box.pending(0, 100)).toHaveLength(10);
  });

  it('asks for a reset when the remembered record differs, and stores nothing from that read', () => {
    const box = outbox();
    run(box, log.slice(0, 6), planIngest(undefined, 6)).finish();
    const replaced = log.map((r, i) => (i === 5 ? record(500) : r));
    const result = run(box, replaced, planIngest(box.getWatermark('SN'), 10)).finish();
    expect(result.resetNeeded).toMatch(/record 5 is not the one read before/);
    expect(result.inserted).toBe(0);
    expect(box.getWatermark('SN')?.recordCount).toBe(6);

    const again = run(box, replaced, resetPlan(result.resetNeeded!)).finish();
    expect(again).toMatchObject({ mode: 'reset', inserted: 5, duplicates: 5, watermark: 10 });
  });

  it('plans a reset when the terminal holds fewer records, and notices a shrink the count missed', () => {
    const box = outbox();
    run(box, log, planIngest(undefined, 10)).finish();
    expect(planIngest(box.getWatermark('SN'), 3)).toMatchObject({ mode: 'reset', reason: expect.stringMatching(/holds 3 records and 10 were read/) });
    const shrunk = run(box, log.slice(0, 3), planIngest(box.getWatermark('SN'), 10)).finish();
    expect(shrunk.resetNeeded).toMatch(/returned 3 records and 10 were read before/);
    const empty = run(box, [], resetPlan('cleared')).finish();
    expect(empty.watermark).toBe(0);
    expect(box.getWatermark('SN')).toEqual({ serial: 'SN', recordCount: 0, lastFingerprint: null });
  });

  it('counts records with an impossible time, stores the others and moves the watermark past them', () => {
    const box = outbox();
    const bad = { ...log[4]!, time: undefined, rawTime: 0xffffffff };
    const result = run(box, log.map((r, i) => (i === 4 ? bad : r)), planIngest(undefined, 10)).finish();
    expect(result).toMatchObject({ inserted: 9, unusable: 1, watermark: 10, unusableSamples: ['#4 user 1004 time 0xffffffff'] });
  });

  it('keeps what arrived when a read fails part way (salvage)', () => {
    const box = outbox();
    const ingest = run(box, log.slice(0, 7), planIngest(undefined, 10));
    expect(box.getWatermark('SN')?.recordCount).toBe(4); // one full batch so far
    expect(ingest.salvage()).toMatchObject({ inserted: 7, watermark: 7 });
    expect(box.getWatermark('SN')).toEqual({ serial: 'SN', recordCount: 7, lastFingerprint: fingerprintOf(log[6]!) });
  });

  it('stops storing when the outbox fills up, leaving the rest on the terminal', () => {
    const box = outbox({ maxBacklog: 5 });
    const result = run(box, log, planIngest(undefined, 10)).finish();
    expect(result.haltedBy).toMatch(/undelivered punches \(limit 5\)/);
    expect(result).toMatchObject({ inserted: 8, watermark: 8 });
  });
});
