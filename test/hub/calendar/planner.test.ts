import { describe, expect, it } from 'vitest';
import { HubError } from '../../../hub/errors.js';
import type { HubDatabase } from '../../../hub/db/database.js';
import type { PlannedEmployee } from '../../../hub/calendar/model.js';
import { importOverrides, importOverridesFile } from '../../../hub/calendar/overrides.js';
import { createPlanner, type Planner } from '../../../hub/calendar/planner.js';
import { importSchedules, importSchedulesFile, setAssignment } from '../../../hub/calendar/schedules-store.js';
import { zone } from '../../../hub/time/zone.js';
import { calendarDb, DECLARED_2027 } from './calendar-db.js';

const SCHEDULES = 'fixtures/hub/schedules.example.yaml';
const HOUR_MS = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

function setup(zoneName = 'Asia/Shanghai'): { db: HubDatabase; planner: Planner } {
  const db = calendarDb();
  importSchedulesFile(db, SCHEDULES);
  return { db, planner: createPlanner(db, { zoneOf: () => zone(zoneName) }) };
}

const employee = (id: string, more: Partial<PlannedEmployee> = {}): PlannedEmployee => ({ id, site: 'shanghai-plant', hireDate: null, endDate: null, ...more });

describe('planner: statutory weekly pattern', () => {
  it('follows the 2026 Spring Festival: holidays off, make-up Saturdays worked', () => {
    const { planner } = setup();
    const plans = planner.planRange(employee('E001'), '2026-02-13', '2026-03-01');
    const summary = plans.map((p) => [p.date, p.kind, p.makeUp === true ? 'makeUp' : '']);
    expect(summary).toEqual([
      ['2026-02-13', 'work', ''],
      ['2026-02-14', 'work', 'makeUp'],
      ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => [`2026-02-${d}`, 'holiday', '']),
      ['2026-02-24', 'work', ''],
      ['2026-02-25', 'work', ''],
      ['2026-02-26', 'work', ''],
      ['2026-02-27', 'work', ''],
      ['2026-02-28', 'work', 'makeUp'],
      ['2026-03-01', 'rest', ''],
    ]);
    expect(plans[1]).toEqual({
      employeeId: 'E001', date: '2026-02-14', kind: 'work', makeUp: true, note: 'Spring Festival (春节)',
      shift: {
        shiftId: 'day', startMs: at('2026-02-14T00:30:00Z'), endMs: at('2026-02-14T09:30:00Z'), graceLateMinutes: 5, graceEarlyMinutes: 5,
        windowStartMs: at('2026-02-13T22:30:00Z'), windowEndMs: at('2026-02-14T13:30:00Z'),
      },
    });
    expect(plans[2]).toEqual({ employeeId: 'E001', date: '2026-02-15', kind: 'holiday', note: 'Spring Festival (春节)' });
    expect(plans[7]?.note).toBe('Spring Festival (春节), day off in lieu of a make-up working day');
    expect(plans[0]).not.toHaveProperty('makeUp');
  });

  it('applies overrides: site make-up day, all-sites rest day, and refuses an uncovered year', () => {
    const { db, planner } = setup();
    importOverrides(db, [
      'days:',
      '  - { date: 2026-03-07, kind: workday, name: Stocktaking Saturday, site: shanghai-plant }',
      '  - { date: 2026-03-09, kind: rest, name: Power cut }',
    ].join('\n'));
    const e = employee('E001');
    expect(planner.plan(e, '2026-03-07')).toMatchObject({ kind: 'work', makeUp: true, note: 'Stocktaking Saturday', shift: { shiftId: 'day' } });
    expect(planner.plan({ ...e, site: 'beijing-office' }, '2026-03-07')).toEqual({ employeeId: 'E001', date: '2026-03-07', kind: 'rest' });
    expect(planner.plan(e, '2026-03-09')).toEqual({ employeeId: 'E001', date: '2026-03-09', kind: 'rest', note: 'Power cut' });

    const refused = ((): unknown => {
      try {
        return planner.plan(e, '2027-01-04');
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(HubError);
    expect((refused as HubError).code).toBe('CALENDAR');
    expect((refused as HubError).message).toContain('no statutory holiday data for 2027');
  });

  it('plans a declared override year', () => {
    const { db, planner } = setup();
    importOverrides(db, DECLARED_2027);
    const e = employee('E001');
    expect(planner.plan(e, '2027-01-01')).toMatchObject({ kind: 'holiday', note: "New Year's Day" });
    expect(planner.plan(e, '2027-02-06')).toMatchObject({ kind: 'work', makeUp: true, shift: { shiftId: 'day' } });
    expect(planner.plan(e, '2027-01-04')).toMatchObject({ kind: 'work' });
    expect(planner.plan(e, '2027-01-03')).toMatchObject({ kind: 'rest' });
  });
});

describe('planner: rotations', () => {
  // line-a: anchor 2026-01-05 (cycle[0]), cycle [day, day, night, night, off x4].
  it('keeps the phase before and after the anchor (negative offsets)', () => {
    const { planner } = setup();
    const shifts = (from: string, to: string): (string | null)[] =>
      planner.planRange(employee('E002', { hireDate: '2025-01-01' }), from, to).map((p) => (p.kind === 'work' ? p.shift?.shiftId ?? '?' : p.kind === 'rest' ? null : p.kind));
    // E002 is on line-a from 2026-01-01; before that unassigned.
    expect(shifts('2025-12-30', '2026-01-16')).toEqual([
      'unassigned', 'unassigned', // Dec 30, 31
      null, null, null, null, // Jan 1..4: offsets -4..-1 → cycle[4..7]
      'day', 'day', 'night', 'night', null, null, null, null, // Jan 5..12
      'day', 'day', 'night', 'night', // Jan 13..16
    ]);
    const db = calendarDb();
    importSchedulesFile(db, SCHEDULES);
    setAssignment(db, { employee: 'R1', pattern: 'line-a', from: '2025-12-01', to: null });
    const p = createPlanner(db, { zoneOf: () => zone('+08:00') });
    // Offsets -8, -7, -6, -5 from the anchor: a whole cycle back.
    expect(p.planRange(employee('R1'), '2025-12-28', '2025-12-31').map((x) => x.shift?.shiftId)).toEqual(['day', 'day', 'night', 'night']);
    // 2025-12-01 is 35 days before: 35 = 4 * 8 + 3, so cycle[(8 - 3) % 8] = cycle[5].
    expect(p.plan(employee('R1'), '2025-12-01').kind).toBe('rest');
    expect(p.plan(employee('R1'), '2025-12-04').shift?.shiftId).toBe('day');
  });

  it('computes a night shift across midnight in Asia/Shanghai', () => {
    const { planner } = setup();
    const plan = planner.plan(employee('E002'), '2026-01-07');
    expect(plan).toEqual({
      employeeId: 'E002', date: '2026-01-07', kind: 'work',
      shift: {
        shiftId: 'night',
        startMs: at('2026-01-07T22:00:00+08:00'), endMs: at('2026-01-08T06:00:00+08:00'),
        graceLateMinutes: 5, graceEarlyMinutes: 5,
        windowStartMs: at('2026-01-07T20:30:00+08:00'), windowEndMs: at('2026-01-08T10:00:00+08:00'),
      },
    });
    expect(plan.shift!.startMs).toBe(at('2026-01-07T14:00:00Z'));
    expect(plan.shift!.endMs - plan.shift!.startMs).toBe(8 * HOUR_MS);
  });

  it('computes a night shift over a DST change in the site zone', () => {
    const { db, planner } = setup('America/New_York');
    importSchedules(db, [
      'patterns: [{ id: nights, type: rotation, anchor: 2026-01-01, cycle: [night], statutory: false }]',
      'assignments: [{ employee: N1, pattern: nights, from: 2026-01-01 }]',
    ].join('\n'));
    // 2026-03-08 02:00 local clocks go forward: 22:00 EST to 06:00 EDT lasts 7 hours.
    const plan = planner.plan(employee('N1'), '2026-03-07');
    expect(plan.shift?.shiftId).toBe('night');
    expect(plan.shift?.startMs).toBe(at('2026-03-08T03:00:00Z'));
    expect(plan.shift?.endMs).toBe(at('2026-03-08T10:00:00Z'));
  });

  it('non-statutory: works through statutory holidays and uncovered years; a site closure still applies', () => {
    const { db, planner } = setup();
    const e = employee('E002', { hireDate: '2026-01-01' });
    setAssignment(db, { employee: 'E002', pattern: 'line-a', from: '2026-07-01', to: null });
    // 2026-02-17 is 43 days after the anchor: cycle[3] = night, Spring Festival or not.
    expect(planner.plan(e, '2026-02-17')).toMatchObject({ kind: 'work', shift: { shiftId: 'night' } });
    expect(planner.plan(e, '2026-02-17')).not.toHaveProperty('note');
    // 2027-01-01: 361 days after the anchor → cycle[1] = day, no 2027 data needed.
    expect(planner.plan(e, '2027-01-01')).toMatchObject({ kind: 'work', shift: { shiftId: 'day' } });

    importOverrides(db, [
      'years: [2027]',
      'days:',
      '  - { date: 2026-12-31, kind: holiday, name: Plant anniversary, site: shanghai-plant }',
      '  - { date: 2027-01-01, kind: holiday, name: New Year }',
      '  - { date: 2027-01-02, kind: workday, name: Make-up, site: shanghai-plant }',
    ].join('\n'));
    // 2026-12-31: cycle[0] = day, but the plant is closed.
    expect(planner.plan(e, '2026-12-31')).toEqual({ employeeId: 'E002', date: '2026-12-31', kind: 'holiday', note: 'Plant anniversary' });
    expect(planner.plan({ ...e, site: 'suzhou-plant' }, '2026-12-31')).toMatchObject({ kind: 'work', shift: { shiftId: 'day' } });
    // All-sites holidays and make-up days are statutory corrections: the line ignores them.
    expect(planner.plan(e, '2027-01-01')).toMatchObject({ kind: 'work', shift: { shiftId: 'day' } });
    // 2027-01-02 → cycle[2] = night, not a make-up day shift.
    expect(planner.plan(e, '2027-01-02')).toEqual(expect.objectContaining({ kind: 'work', shift: expect.objectContaining({ shiftId: 'night' }) }));
    expect(planner.plan(e, '2027-01-02')).not.toHaveProperty('makeUp');
  });

  it('statutory rotation: holidays off, make-up days keep the cycle', () => {
    const { db, planner } = setup();
    // warehouse: anchor 2026-01-05, 5 early, 2 off, 5 late, 2 off (14 days); E003 from 2026-03-01.
    const e = employee('E003');
    setAssignment(db, { employee: 'E003', pattern: 'warehouse', from: '2026-02-01', to: '2026-02-28' });
    expect(planner.plan(e, '2026-02-16')).toEqual({ employeeId: 'E003', date: '2026-02-16', kind: 'holiday', note: 'Spring Festival (春节)' });
    // 2026-02-14 (make-up Saturday) is 40 days after the anchor: cycle[12] = off.
    expect(planner.plan(e, '2026-02-14')).toEqual({ employeeId: 'E003', date: '2026-02-14', kind: 'rest' });
    // 2026-02-28 is 54 days after: cycle[12] again = off; 2026-02-24: cycle[8] = late.
    expect(planner.plan(e, '2026-02-28').kind).toBe('rest');
    expect(planner.plan(e, '2026-02-24')).toMatchObject({ kind: 'work', shift: { shiftId: 'late' } });
  });
});

describe('planner: employment and assignments', () => {
  it('switches pattern mid-month', () => {
    const { db, planner } = setup();
    importSchedules(db, [
      'assignments:',
      '  - { employee: E050, pattern: line-a, from: 2026-03-01, to: 2026-03-15 }',
      '  - { employee: E050, pattern: office, from: 2026-03-16 }',
    ].join('\n'));
    // 2026-03-12 is 66 days after the line-a anchor → cycle[2] (night) ... 03-14 → cycle[4] (off).
    const plans = planner.planRange(employee('E050'), '2026-03-12', '2026-03-17');
    expect(plans.map((p) => [p.date, p.kind, p.shift?.shiftId])).toEqual([
      ['2026-03-12', 'work', 'night'],
      ['2026-03-13', 'work', 'night'],
      ['2026-03-14', 'rest', undefined],
      ['2026-03-15', 'rest', undefined],
      ['2026-03-16', 'work', 'day'],
      ['2026-03-17', 'work', 'day'],
    ]);
    expect(planner.plan(employee('E050'), '2026-02-28').kind).toBe('unassigned');
  });

  it('not_employed before hire and after the end date, both days themselves employed', () => {
    const { planner } = setup();
    const e = employee('E001', { hireDate: '2026-03-02', endDate: '2026-03-06' });
    expect(planner.planRange(e, '2026-03-01', '2026-03-07').map((p) => p.kind)).toEqual([
      'not_employed', 'work', 'work', 'work', 'work', 'work', 'not_employed',
    ]);
    expect(planner.plan(employee('NOBODY'), '2026-03-02')).toEqual({ employeeId: 'NOBODY', date: '2026-03-02', kind: 'unassigned' });
    expect(planner.plan(employee('NOBODY', { endDate: '2026-03-01' }), '2026-03-02').kind).toBe('not_employed');
  });

  it('planMany answers like plan, in order, sharing frozen shift instances', () => {
    const { planner } = setup();
    const people = Array.from({ length: 3000 }, (_, i) =>
      employee(['E001', 'E002', 'E003', 'E004'][i % 4]!, { site: i % 3 === 0 ? 'suzhou-plant' : 'shanghai-plant', hireDate: i % 5 === 0 ? '2026-05-01' : null }),
    );
    for (const date of ['2026-02-14', '2026-02-17', '2026-04-01', '2026-06-30']) {
      const many = planner.planMany(people, date);
      expect(many).toHaveLength(people.length);
      expect(many).toEqual(people.map((p) => planner.plan(p, date)));
    }
    const [a, b] = planner.planMany([employee('E001'), employee('E001')], '2026-04-01');
    expect(a?.shift).toBe(b?.shift);
    expect(Object.isFrozen(a?.shift)).toBe(true);
  });

  it('workPlansReaching gives, of planMany\'s plans, the work plans whose window meets the span', () => {
    const { planner } = setup();
    const people = [employee('E001'), employee('E002', { hireDate: '2026-04-02' }), employee('NOBODY'), employee('E003'), employee('E004', { endDate: '2026-03-31' })];
    const all = planner.planMany(people, '2026-04-01');
    const work = all.filter((p) => p.kind === 'work');
    expect(work.length).toBeGreaterThan(0);
    const first = work[0]!.shift!;
    // The whole day, a span that only touches the end of the window, one just after it, and a Sunday.
    expect(planner.workPlansReaching(people, '2026-04-01', first.windowStartMs - HOUR_MS, first.windowEndMs + HOUR_MS)).toEqual(work);
    expect(planner.workPlansReaching(people, '2026-04-01', first.windowEndMs, first.windowEndMs + HOUR_MS)).toEqual(work.filter((p) => p.shift!.windowEndMs >= first.windowEndMs));
    expect(planner.workPlansReaching(people, '2026-04-01', first.windowEndMs + 1, first.windowEndMs + HOUR_MS)).toEqual(work.filter((p) => p.shift!.windowEndMs > first.windowEndMs));
    expect(planner.workPlansReaching(people, '2026-04-05', 0, Number.MAX_SAFE_INTEGER)).toEqual(planner.planMany(people, '2026-04-05').filter((p) => p.kind === 'work'));
  });

  it('notices re-imports through the version counter', () => {
    const { db, planner } = setup();
    const e = employee('E001');
    expect(planner.plan(e, '2026-04-01').kind).toBe('work');
    const before = planner.version;
    importOverrides(db, 'days:\n  - { date: 2026-04-01, kind: holiday, name: Founders day }\n');
    expect(planner.plan(e, '2026-04-01')).toMatchObject({ kind: 'holiday', note: 'Founders day' });
    expect(planner.calendar().day('2026-04-01', 'any-site')).toMatchObject({ type: 'holiday', source: 'override' });
    expect(planner.version).toBeGreaterThan(before);
    importSchedules(db, 'shifts:\n  - { id: day, name: Day, start: "09:00", end: "18:00" }\n');
    expect(planner.plan(e, '2026-04-02').shift?.startMs).toBe(at('2026-04-02T09:00:00+08:00'));
    expect(planner.plan(employee('E070'), '2026-04-02').kind).toBe('unassigned');
    setAssignment(db, { employee: 'E070', pattern: 'office', from: '2026-04-01', to: null });
    expect(planner.plan(employee('E070'), '2026-04-02').kind).toBe('work');
  });

  it('refuses a range that ends before it starts', () => {
    const { planner } = setup();
    expect(() => planner.planRange(employee('E001'), '2026-03-02', '2026-03-01')).toThrow(/before from/);
    expect(() => planner.plan(employee('E001'), '2026-02-30')).toThrow(/not a date/);
  });
});
