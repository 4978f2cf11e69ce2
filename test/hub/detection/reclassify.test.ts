import { afterEach, describe, expect, it } from 'vitest';
import { HubError } from '../../../hub/errors.js';
import { datesBetween } from '../../../hub/time/local-date.js';
import { at, off } from './fakes.js';
import { harness, type Harness } from './harness.js';

const MON = '2026-03-02';
const TUE = '2026-03-03';
const WED = '2026-03-04';
const THU = '2026-03-05';
let h: Harness;
afterEach(() => h.close());

const NOW = at('2026-03-20', '10:00');

/** Reclassifies with the site delivered up to now. */
function reclassify(employeeId: string, from: string, to: string) {
  h.ports.watermarks.set('s1', NOW);
  return h.engine.reclassify(employeeId, from, to, NOW);
}

describe('DetectionEngine.reclassify', () => {
  it('applies leave approved later, withdraws the threshold event it undoes, and reports every change', () => {
    h = harness();
    h.ports.punch('e1', THU, '09:00', '18:00');
    h.daily(MON, THU);
    const consecutive = h.events('consecutive');
    expect(consecutive).toEqual([expect.objectContaining({ date: MON, dates: JSON.stringify([MON, TUE, WED]), state: 'open' })]);

    h.ports.leaveDays('e1', TUE, TUE, 12);
    const r = reclassify('e1', TUE, TUE);
    expect(r.instances).toEqual([{ employeeId: 'e1', date: TUE, shiftId: 'day', from: 'absent', to: 'on_leave', version: 2 }]);
    const reason = '2026-03-03 is now on_leave; the run from 2026-03-02 now has 1 absent day(s), threshold 3';
    expect(r.events).toEqual([
      expect.objectContaining({ kind: 'no_show', date: TUE, change: 'resolved', reason: 'leave #12 (annual) covers the shift' }),
      expect.objectContaining({ kind: 'consecutive', date: MON, change: 'withdrawn', reason }),
    ]);
    // The event stays in the log, withdrawn with the reason; the instance keeps its history in its version.
    expect(h.events('consecutive')).toEqual([expect.objectContaining({ event_id: consecutive[0]!.event_id, state: 'withdrawn', reason, updated_at: NOW })]);
    expect(h.instances().find((i) => i.date === TUE)).toMatchObject({ status: 'on_leave', leaveMinutes: 540, version: 2, classifiedAt: NOW });

    // Nothing left to change the second time.
    expect(reclassify('e1', MON, THU)).toEqual({ instances: [], events: [] });
    // And the engine does not raise it again as it moves on.
    for (const d of datesBetween('2026-03-06', '2026-03-20')) h.ports.punch('e1', d, '09:00', '18:00');
    h.ports.watermarks.set('s1', NOW);
    expect(h.engine.tick(NOW).events).toEqual([]);
    expect(h.events('consecutive').find((e) => e.date === MON)).toMatchObject({ state: 'withdrawn' });
  });

  it('withdraws the event of a run whose first day became leave and raises one for the run that is left', () => {
    h = harness();
    h.ports.punch('e1', '2026-03-06', '09:00', '18:00');
    h.daily(MON, '2026-03-06');
    h.ports.leaveDays('e1', MON, MON);
    const r = reclassify('e1', MON, MON);
    expect(r.events.filter((e) => e.kind === 'consecutive')).toEqual([
      expect.objectContaining({ date: MON, change: 'withdrawn', reason: '2026-03-02 is now on_leave; the run from 2026-03-02 now has 0 absent day(s), threshold 3' }),
      expect.objectContaining({ date: TUE, change: 'raised' }),
    ]);
    expect(h.events('consecutive').map((e) => [e.date, e.state, e.dates])).toEqual([
      [MON, 'withdrawn', JSON.stringify([MON, TUE, WED])],
      [TUE, 'open', JSON.stringify([TUE, WED, THU])],
    ]);
  });

  it('withdraws a monthly event that falls below the threshold, and reopens it when reached again', () => {
    h = harness(['e1'], { thresholds: { consecutive: 10 } });
    // Absent Mon, Wed, Fri, Tue, Thu of two weeks, present otherwise.
    h.ports.punch('e1', TUE, '09:00', '18:00').punch('e1', THU, '09:00', '18:00').punch('e1', '2026-03-09', '09:00', '18:00');
    h.ports.punch('e1', '2026-03-11', '09:00', '18:00').punch('e1', '2026-03-13', '09:00', '18:00');
    h.daily(MON, '2026-03-13');
    expect(h.events('monthly')).toEqual([expect.objectContaining({ date: '2026-03-01', state: 'open' })]);
    h.ports.leaveDays('e1', WED, WED);
    const r = reclassify('e1', WED, WED);
    expect(r.events.filter((e) => e.kind === 'monthly')).toEqual([
      expect.objectContaining({ change: 'withdrawn', reason: '2026-03-04 is now on_leave; 2026-03 now has 4 absent day(s), threshold 5' }),
    ]);
    // A fifth absence later in the month reaches it again: the same event reopens, with the new dates.
    h.daily('2026-03-14', '2026-03-16');
    expect(h.events('monthly')).toEqual([
      expect.objectContaining({ state: 'open', dates: JSON.stringify([MON, '2026-03-06', '2026-03-10', '2026-03-12', '2026-03-16']), reason: expect.stringContaining('reached again') }),
    ]);
  });

  it('follows a schedule change: removes the shift, stores the day off, resolves the no-show', () => {
    h = harness();
    h.daily(MON, MON);
    h.ports.plan(off('e1', MON, 'holiday'));
    const r = reclassify('e1', MON, MON);
    expect(r.instances).toEqual([
      { employeeId: 'e1', date: MON, shiftId: 'day', from: 'absent', to: null, version: 1 },
      { employeeId: 'e1', date: MON, shiftId: '', from: null, to: 'rest', version: 1 },
    ]);
    expect(r.events).toEqual([expect.objectContaining({ kind: 'no_show', change: 'resolved', reason: '2026-03-02 no longer has shift day in the schedule' })]);
    expect(h.instances()).toEqual([expect.objectContaining({ date: MON, shiftId: '', status: 'rest', dayKind: 'holiday' })]);
  });

  it('follows a punch correction, updating the facts without a new version when the status stays', () => {
    h = harness();
    h.ports.punch('e1', MON, '09:20', '18:00');
    h.daily(MON, MON);
    h.ports.punchList = [];
    h.ports.punch('e1', MON, '09:10', '18:00');
    const r = reclassify('e1', MON, MON);
    expect(r.instances).toEqual([{ employeeId: 'e1', date: MON, shiftId: 'day', from: 'late', to: 'late', version: 1 }]);
    expect(h.instances()[0]).toMatchObject({ status: 'late', lateMinutes: 10, version: 1 });
  });

  it('leaves instances that are not over to the engine', () => {
    h = harness();
    h.ports.watermarks.set('s1', at(MON, '12:00'));
    expect(h.engine.reclassify('e1', MON, MON, at(MON, '12:00')).instances).toEqual([]);
    expect(h.instances()).toEqual([]);
  });

  it('refuses an unknown employee and a reversed range', () => {
    h = harness();
    expect(() => h.engine.reclassify('nobody', MON, MON, NOW)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => reclassify('e1', TUE, MON)).toThrow(HubError);
    expect(() => h.engine.reclassify('e1', '2026-13-01', MON, NOW)).toThrow(/not a date/);
  });
});
