import { afterEach, describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../../hub/detection/engine.js';
import { HubError } from '../../../hub/errors.js';
import { silent } from '../../helpers/temp.js';
import { at, off, work } from './fakes.js';
import { harness, type Harness } from './harness.js';

const MON = '2026-03-02';
const TUE = '2026-03-03';
const WED = '2026-03-04';
let h: Harness;
afterEach(() => h.close());

function tickAt(date: string, clock: string) {
  h.ports.watermarks.set('s1', at(date, clock));
  return h.engine.tick(at(date, clock));
}

describe('DetectionEngine.tick', () => {
  it('stores an instance once its window closed before min(now, watermark), and moves the cursor', () => {
    h = harness();
    h.ports.punch('e1', MON, '08:58', '18:02');
    // The window of 09:00-18:00 closes at 22:00.
    let r = tickAt(MON, '21:59');
    expect(r.sites[0]).toMatchObject({ classified: 0, pending: 1, finalThrough: null });
    expect(h.instances()).toEqual([]);
    r = tickAt(MON, '22:00');
    expect(r.sites[0]).toMatchObject({ classified: 1, pending: 0, finalThrough: MON });
    expect(h.instances()).toEqual([
      expect.objectContaining({ date: MON, shiftId: 'day', dayKind: 'work', status: 'present', siteId: 's1', version: 1, classifiedAt: at(MON, '22:00'), startMs: at(MON, '09:00'), endMs: at(MON, '18:00') }),
    ]);
    // The clock ahead of a stale watermark decides nothing beyond the watermark.
    h.ports.watermarks.set('s1', at(TUE, '08:00'));
    expect(h.engine.tick(at(WED, '12:00')).sites[0]).toMatchObject({ decisionMs: at(TUE, '08:00'), classified: 0, finalThrough: MON });
  });

  it('keeps a night shift pending into the next morning and stores it under its start date', () => {
    h = harness();
    h.ports.plan(work('e1', MON, '22:00', '06:00')).plan(off('e1', TUE));
    h.ports.punch('e1', MON, '21:55').punch('e1', TUE, '06:03');
    expect(tickAt(TUE, '09:59').sites[0]).toMatchObject({ classified: 0, finalThrough: null });
    expect(tickAt(TUE, '10:00').sites[0]).toMatchObject({ classified: 1, finalThrough: MON });
    expect(h.instances()).toEqual([expect.objectContaining({ date: MON, shiftId: 'night', status: 'present', punchCount: 2 })]);
  });

  it('stores rest days and holidays with their kind once the day ended, and nothing for days outside employment', () => {
    h = harness();
    h.ports.plan(off('e1', '2026-03-06', 'holiday')).plan(off('e1', '2026-03-09', 'not_employed')).plan(off('e1', '2026-03-10', 'unassigned'));
    for (const d of [MON, TUE, WED, '2026-03-05']) h.ports.punch('e1', d, '09:00', '18:00');
    tickAt('2026-03-11', '00:00');
    expect(h.instances().map((i) => [i.date, i.status, i.dayKind, i.shiftId])).toEqual([
      [MON, 'present', 'work', 'day'],
      [TUE, 'present', 'work', 'day'],
      [WED, 'present', 'work', 'day'],
      ['2026-03-05', 'present', 'work', 'day'],
      ['2026-03-06', 'rest', 'holiday', ''],
      ['2026-03-07', 'rest', 'rest', ''],
      ['2026-03-08', 'rest', 'rest', ''],
    ]);
    expect(h.db.prepare('SELECT final_through FROM detection_cursors').pluck().get()).toBe('2026-03-10');
  });

  it('reads each kind of input in bulk: plans once per date, punches and leave once per batch', () => {
    h = harness(['e1', 'e2', 'e3']);
    tickAt(MON, '23:00');
    expect(h.ports.calls).toEqual(['employees:s1', 'plans:2026-03-02', 'plans:2026-03-01', 'plans:2026-03-03', 'leave', 'punches']);
  });

  it('catches up after downtime in batches, with the same result as daily runs', () => {
    h = harness(['e1'], { batchDays: 2 });
    h.ports.punch('e1', MON, '09:00', '18:00').punch('e1', WED, '09:00');
    const r = tickAt('2026-03-08', '12:00');
    expect(r.sites[0]).toMatchObject({ classified: 6, finalThrough: '2026-03-07' });
    expect(h.instances().map((i) => i.status)).toEqual(['present', 'absent', 'missing_punch', 'absent', 'absent', 'rest']);
    expect(r.events.filter((e) => e.kind === 'no_show').map((e) => e.date)).toEqual([TUE, '2026-03-05', '2026-03-06']);
  });

  it('changes nothing when run twice, after a restart, or from a second process on the same file', () => {
    h = harness(['e1', 'e2']);
    h.ports.punch('e1', MON, '09:20', '17:00').punch('e2', TUE, '09:00');
    for (const [d, c] of [[MON, '09:10'], [MON, '23:00'], [TUE, '12:00'], ['2026-03-06', '23:00']] as const) tickAt(d, c);
    const before = h.snapshot();
    expect(h.engine.tick(at('2026-03-06', '23:00')).events).toEqual([]);
    expect(h.snapshot()).toEqual(before);

    const restarted = h.another();
    const again = restarted.engine.tick(at('2026-03-06', '23:00'));
    expect(again.events).toEqual([]);
    expect(again.sites[0]!.classified).toBe(0);
    expect(h.snapshot()).toEqual(before);

    // Two processes moving on together raise each event once.
    const second = h.another();
    h.ports.watermarks.set('s1', at('2026-03-10', '09:30'));
    const one = h.engine.tick(at('2026-03-10', '09:30'));
    const two = second.engine.tick(at('2026-03-10', '09:30'));
    expect(one.events.length).toBeGreaterThan(0);
    expect(two.events).toEqual([]);
    const keys = h.events().map((e) => `${e.kind}|${e.employee_id}|${e.date}|${e.shift_id}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never overwrites a stored instance (reclassify does that)', () => {
    h = harness();
    tickAt(TUE, '00:00');
    h.ports.leaveDays('e1', MON, MON);
    tickAt(TUE, '01:00');
    expect(h.instances()[0]).toMatchObject({ date: MON, status: 'absent', version: 1 });
  });

  it('reports a database failure as a STORE error naming what it was doing', () => {
    h = harness();
    h.db.exec('DROP TABLE detection_instances');
    expect(() => tickAt(MON, '23:00')).toThrow(expect.objectContaining({ code: 'STORE', message: expect.stringContaining("detection could not store s1's 2026-03-02 to 2026-03-02") }));
  });

  it('refuses bad options and a work plan without a shift', () => {
    h = harness();
    expect(() => new DetectionEngine({ db: h.db, ports: h.ports, logger: silent, thresholds: { consecutive: -1 } })).toThrow(HubError);
    expect(() => new DetectionEngine({ db: h.db, ports: h.ports, logger: silent, batchDays: 0 })).toThrow(/batchDays/);
    expect(() => new DetectionEngine({ db: h.db, ports: h.ports, logger: silent, startDate: '2026-02-30' })).toThrow(/not a date/);
    h.ports.plan({ employeeId: 'e1', date: MON, kind: 'work' });
    expect(() => tickAt(MON, '12:00')).toThrow(/employee e1 on 2026-03-02 is a work day without a shift/);
  });
});
