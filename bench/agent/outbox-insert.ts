import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Outbox, type NewPunch } from '../../agent/store/outbox.js';

export interface OutboxInsertResult {
  punches: number;
  batchSize: number;
  synchronous: 'NORMAL' | 'FULL';
  ms: number;
  punchesPerSecond: number;
}

/** Punches like a terminal's: 500 staff, one punch a second. */
export function samplePunches(count: number, serial = 'BENCH0001', offset = 0): NewPunch[] {
  const out: NewPunch[] = [];
  const base = Date.UTC(2026, 10, 1, 0, 0, 0);
  for (let i = offset; i < offset + count; i++) {
    const localTime = new Date(base + i * 1000).toISOString().slice(0, 19);
    out.push({ deviceSerial: serial, userId: String(1000 + (i % 500)), localTime, at: `${localTime}+08:00`, state: i % 2, verify: 1, workcode: 0, source: 'poll' });
  }
  return out;
}

/** Inserts `punches` punches in batches of `batchSize` into a fresh outbox file. */
export function benchOutboxInsert(punches: number, batchSize: number, synchronous: 'NORMAL' | 'FULL'): OutboxInsertResult {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-outbox-'));
  const outbox = new Outbox({ path: join(dir, 'outbox.sqlite'), synchronous, logger: pino({ level: 'silent' }) });
  try {
    const data = samplePunches(punches);
    const started = performance.now();
    for (let i = 0; i < data.length; i += batchSize) outbox.insert(data.slice(i, i + batchSize));
    const ms = performance.now() - started;
    if (outbox.backlog() !== punches) throw new Error(`outbox holds ${outbox.backlog()} of ${punches}`);
    return { punches, batchSize, synchronous, ms: Math.round(ms), punchesPerSecond: Math.round(punches / (ms / 1000)) };
  } finally {
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
