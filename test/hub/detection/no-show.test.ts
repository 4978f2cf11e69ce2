import { afterEach, describe, expect, it } from 'vitest';
import { at, work } from './fakes.js';
import { harness, type Harness } from './harness.js';

const MON = '2026-03-02';
const TUE = '2026-03-03';
let h: Harness;
afterEach(() => h.close());

/** Ticks with the watermark and the clock at the same local time on a date. */
function tickAt(date: string, clock: string) {
  h.ports.watermarks.set('s1', at(date, clock));
  return h.engine.tick(at(date, clock));
}

describe('no-show events', () => {
  it('wait for the watermark: an offline gateway does not make the site absent', () => {
    h = harness(['e1', 'e2']);
    // The gateway went offline at 09:04; the hub clock runs on to the next day.
    h.ports.watermarks.set('s1', at(MON, '09:04'));
    let r = h.engine.tick(at(MON, '10:00'));
    expect(r.sites[0]).toMatchObject({ decisionMs: at(MON, '09:04'), classified: 0 });
    expect(r.events).toEqual([]);
    r = h.engine.tick(at(TUE, '12:00'));
    expect(r.events).toEqual([]);
    expect(h.instances()).toEqual([]);
    // It comes back with the morning's punches of e1 (e2's never came): only e2 is a no-show.
    h.ports.punch('e1', MON, '08:58', '18:02');
    h.ports.watermarks.set('s1', at(MON, '09:05'));
    r = h.engine.tick(at(TUE, '12:00'));
    expect(r.events).toEqual([expect.objectContaining({ kind: 'no_show', employeeId: 'e2', date: MON, shiftId: 'day', change: 'raised' })]);
    expect(h.events('no_show')).toEqual([expect.objectContaining({ employee_id: 'e2', due_ms: at(MON, '09:05'), state: 'open', raised_at: at(TUE, '12:00') })]);
  });

  it('judge nothing at a site that never synced', () => {
    h = harness();
    const r = h.engine.tick(at(TUE, '12:00'));
    expect(r.sites).toEqual([{ siteId: 's1', decisionMs: null, classified: 0, pending: 0, finalThrough: null }]);
    expect(h.events()).toEqual([]);
  });

  it('are raised at start + grace, once per instance', () => {
    h = harness();
    expect(tickAt(MON, '09:04:59').events).toEqual([]);
    expect(tickAt(MON, '09:05').events).toHaveLength(1);
    expect(tickAt(MON, '09:30').events).toEqual([]);
    expect(h.events('no_show')).toHaveLength(1);
  });

  it('are resolved, not deleted, by a later punch, with the reason', () => {
    h = harness();
    tickAt(MON, '09:10');
    h.ports.punch('e1', MON, '09:30');
    const r = tickAt(MON, '09:40');
    expect(r.events).toEqual([expect.objectContaining({ change: 'resolved', reason: 'punched at 2026-03-02T09:30:00+08:00' })]);
    expect(h.events('no_show')).toEqual([expect.objectContaining({ state: 'resolved', reason: 'punched at 2026-03-02T09:30:00+08:00', updated_at: at(MON, '09:40') })]);
    h.ports.punch('e1', MON, '18:00');
    tickAt(TUE, '00:00');
    expect(h.instances()).toEqual([expect.objectContaining({ date: MON, status: 'late', lateMinutes: 30 })]);
    expect(h.events('no_show')[0]!.state).toBe('resolved');
  });

  it('see only the punches made by now, as a replay of a past morning would', () => {
    h = harness();
    h.ports.punch('e1', MON, '09:30', '18:00');
    expect(tickAt(MON, '09:10').events).toEqual([expect.objectContaining({ change: 'raised' })]);
    expect(tickAt(MON, '09:30').events).toEqual([expect.objectContaining({ change: 'resolved', reason: 'punched at 2026-03-02T09:30:00+08:00' })]);
  });

  it('are resolved by leave approved after they were raised', () => {
    h = harness();
    tickAt(MON, '09:10');
    h.ports.leaveDays('e1', MON, MON, 7);
    expect(tickAt(MON, '11:00').events).toEqual([expect.objectContaining({ change: 'resolved', reason: 'leave #7 (annual) covers the shift' })]);
    tickAt(TUE, '00:00');
    expect(h.instances()[0]).toMatchObject({ status: 'on_leave', leaveMinutes: 540 });
  });

  it('wait until the end of leave covering the start, then reopen if still nobody came', () => {
    h = harness();
    h.ports.addLeave('e1', at(MON, '09:00'), at(MON, '12:00'), 3);
    expect(tickAt(MON, '09:10').events).toEqual([]);
    expect(tickAt(MON, '12:04').events).toEqual([]);
    expect(tickAt(MON, '12:05').events).toEqual([expect.objectContaining({ change: 'raised' })]);
    expect(h.events('no_show')[0]).toMatchObject({ due_ms: at(MON, '12:05') });
  });

  it('reopen when leave approved late moved the start and the person still did not come', () => {
    h = harness();
    tickAt(MON, '09:10');
    h.ports.addLeave('e1', at(MON, '09:00'), at(MON, '12:00'), 3);
    expect(tickAt(MON, '10:00').events).toEqual([
      expect.objectContaining({ change: 'resolved', reason: 'leave #3 (annual) covers the start until 2026-03-02T12:00:00+08:00' }),
    ]);
    expect(tickAt(MON, '12:06').events).toEqual([expect.objectContaining({ change: 'reopened' })]);
    expect(h.events('no_show')[0]).toMatchObject({ state: 'open', due_ms: at(MON, '12:05') });
    tickAt(TUE, '00:00');
    expect(h.instances()[0]).toMatchObject({ status: 'absent', leaveMinutes: 180 });
    expect(h.events('no_show')[0]!.state).toBe('open');
  });

  it('stay resolved when someone resolved them and the facts did not move', () => {
    h = harness();
    tickAt(MON, '09:10');
    h.db.prepare("UPDATE detection_events SET state = 'resolved', reason = 'phoned in'").run();
    expect(tickAt(MON, '10:00').events).toEqual([]);
    expect(h.events('no_show')[0]).toMatchObject({ state: 'resolved', reason: 'phoned in' });
  });

  it('are not cancelled by the clock-out of the night before, in overlapping windows', () => {
    h = harness();
    h.ports.plan(work('e1', MON, '22:00', '06:00')).plan(work('e1', TUE, '08:00', '17:00'));
    h.ports.punch('e1', MON, '21:55').punch('e1', TUE, '06:03');
    const r = tickAt(TUE, '08:05');
    expect(r.events).toEqual([expect.objectContaining({ kind: 'no_show', date: TUE, shiftId: 'day', change: 'raised' })]);
    h.ports.punch('e1', TUE, '08:20', '17:02');
    tickAt('2026-03-04', '00:00');
    expect(h.instances().map((i) => [i.date, i.shiftId, i.status, i.firstPunchMs, i.lastPunchMs])).toEqual([
      [MON, 'night', 'present', at(MON, '21:55'), at(TUE, '06:03')],
      [TUE, 'day', 'late', at(TUE, '08:20'), at(TUE, '17:02')],
    ]);
  });
});
