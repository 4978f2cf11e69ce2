import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HubDatabase } from '../../../hub/db/database.js';
import { importSchedules, importSchedulesFile, loadSchedules, setAssignment } from '../../../hub/calendar/schedules-store.js';
import { calendarVersion } from '../../../hub/calendar/version.js';
import { calendarDb } from './calendar-db.js';
import { hubErrorOf } from '../hub-error.js';

const EXAMPLE = 'fixtures/hub/schedules.example.yaml';

/** Every calendar row, for "nothing changed" comparisons. */
function dump(db: HubDatabase): unknown {
  const tables = ['calendar_shifts', 'calendar_patterns', 'calendar_pattern_days', 'calendar_assignments'];
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
}

describe('schedules import', () => {
  it('imports the example file with defaults filled in', () => {
    const db = calendarDb();
    expect(importSchedulesFile(db, EXAMPLE)).toEqual({ shifts: 4, patterns: 3, assignments: 4, employees: 3 });
    const s = loadSchedules(db);
    expect(s.shifts.get('night')).toEqual({
      id: 'night', name: 'Night', startMinute: 22 * 60, endMinute: 6 * 60,
      graceLateMinutes: 5, graceEarlyMinutes: 5, windowBeforeMinutes: 90, windowAfterMinutes: 240,
    });
    expect(s.shifts.get('early')?.windowBeforeMinutes).toBe(120);
    expect(s.patterns.get('office')).toEqual({
      id: 'office', name: 'Office week', type: 'weekly', statutory: true, makeUpShift: 'day',
      days: [null, 'day', 'day', 'day', 'day', 'day', null],
    });
    expect(s.patterns.get('line-a')).toMatchObject({ type: 'rotation', anchor: '2026-01-05', statutory: false, cycle: ['day', 'day', 'night', 'night', null, null, null, null] });
    expect(s.assignments.get('E002')).toEqual([
      { employee: 'E002', pattern: 'line-a', from: '2026-01-01', to: '2026-06-30' },
      { employee: 'E002', pattern: 'office', from: '2026-07-01', to: null },
    ]);
  });

  it('defaults makeUpShift to the first shift Monday..Sunday', () => {
    const db = calendarDb();
    importSchedules(db, [
      'shifts: [{ id: a, start: "09:00", end: "18:00" }, { id: b, start: "10:00", end: "16:00" }]',
      'patterns:',
      '  - { id: w, type: weekly, statutory: true, days: { sun: a, mon: null, tue: b, wed: a, thu: a, fri: a, sat: null } }',
    ].join('\n'));
    expect(loadSchedules(db).patterns.get('w')).toMatchObject({ makeUpShift: 'b' });
  });

  it('re-importing the same file changes nothing; assignments of named employees are replaced', () => {
    const db = calendarDb();
    const text = readFileSync(EXAMPLE, 'utf8');
    importSchedules(db, text);
    const first = dump(db);
    importSchedules(db, text);
    expect(dump(db)).toEqual(first);

    setAssignment(db, { employee: 'E900', pattern: 'office', from: '2026-02-01', to: null });
    importSchedules(db, [
      'shifts: [{ id: day, name: Day shift, start: "08:00", end: "17:00" }]',
      'assignments:',
      '  - { employee: E002, pattern: office, from: 2026-03-01 }',
    ].join('\n'));
    const s = loadSchedules(db);
    expect(s.shifts.get('day')).toMatchObject({ name: 'Day shift', startMinute: 480, endMinute: 1020 });
    expect(s.shifts.size).toBe(4);
    expect(s.patterns.size).toBe(3);
    expect(s.assignments.get('E002')).toEqual([{ employee: 'E002', pattern: 'office', from: '2026-03-01', to: null }]);
    expect(s.assignments.get('E001')).toHaveLength(1);
    expect(s.assignments.get('E900')).toHaveLength(1);
  });

  it('shrinks a rotation cycle on re-import', () => {
    const db = calendarDb();
    importSchedulesFile(db, EXAMPLE);
    importSchedules(db, 'patterns:\n  - { id: line-a, type: rotation, anchor: 2026-01-06, cycle: [night, null], statutory: true }\n');
    expect(loadSchedules(db).patterns.get('line-a')).toEqual({ id: 'line-a', name: null, type: 'rotation', anchor: '2026-01-06', statutory: true, cycle: ['night', null] });
  });

  it('lists every problem of every row and changes nothing', () => {
    const db = calendarDb();
    importSchedulesFile(db, EXAMPLE);
    const before = dump(db);
    const version = calendarVersion(db);
    const err = hubErrorOf(() =>
      importSchedules(
        db,
        [
          'shifts:',
          '  - { id: day, start: "08:30", end: "17:30" }',
          '  - { id: bad, start: "8:30", end: "25:00" }',
          '  - { id: day, start: "24:00", end: "06:00" }',
          '  - { id: tiny, start: "10:00", end: "10:05" }',
          'patterns:',
          '  - { id: w, type: weekly, statutory: true, days: { mon: dya, tue: day, wed: day, thu: day, fri: day, sat: null } }',
          '  - { id: r, type: rotation, anchor: 2026-01-05, cycle: [day, ghost], statutory: false }',
          '  - { id: x, type: monthly }',
          '  - { id: n, type: weekly, statutory: false, makeUpShift: day, days: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: null, sun: null } }',
          'assignments:',
          '  - { employee: E001, pattern: offise, from: 2026-01-01 }',
          '  - { employee: E002, pattern: r, from: 2026-02-01, to: 2026-01-31 }',
          '  - { employee: E003, pattern: r, from: 2026-01-01, to: 2026-03-31 }',
          '  - { employee: E003, pattern: office, from: 2026-03-15 }',
        ].join('\n'),
        'schedules.yaml',
      ),
    );
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.problems.map((p) => [p.field, p.row])).toEqual([
      ['shifts.start', 2],
      ['shifts.end', 2],
      ['shifts.start', 3],
      ['shifts.id', 3],
      ['shifts.graceLateMinutes', 4],
      ['patterns.days.sun', 1],
      ['patterns.days.mon', 1],
      ['patterns.cycle[1]', 2],
      ['patterns.type', 3],
      ['patterns.makeUpShift', 4],
      ['assignments.pattern', 1],
      ['assignments.to', 2],
      ['assignments.from', 4],
    ]);
    const text = err.message;
    expect(text).toMatch(/^schedules\.yaml has 13 problems; nothing was imported:\n/);
    expect(text).toContain('shifts row 3, id: "day" is already defined in row 1; ids must be unique');
    expect(text).toContain('shifts row 3, start: a shift starts at 00:00..23:59; write "00:00" for midnight');
    expect(text).toContain('shifts row 4, graceLateMinutes: graceLateMinutes + graceEarlyMinutes must be shorter than the shift (5 minutes)');
    expect(text).toContain('patterns row 1, days.mon: unknown shift "dya"; define it under shifts');
    expect(text).toContain('patterns row 1, days.sun: required; a shift id, or null for a day off');
    expect(text).toContain('shifts row 2, start: not a time of day; use HH:MM');
    expect(text).toContain('patterns row 3, type: expected "weekly" or "rotation"');
    expect(text).toContain('patterns row 4, makeUpShift: only used when statutory is true');
    expect(text).toContain('assignments row 1, pattern: unknown pattern "offise"; did you mean "office"?');
    expect(text).toContain('assignments row 2, to: is before from');
    expect(text).toContain('assignments row 4, from: E003 on office 2026-03-15..open-ended overlaps row 3 (E003 on r 2026-01-01..2026-03-31)');
    expect(dump(db)).toEqual(before);
    expect(calendarVersion(db)).toBe(version);
  });

  it('accepts an open-ended assignment followed by none, and back-to-back ranges', () => {
    const db = calendarDb();
    importSchedulesFile(db, EXAMPLE);
    importSchedules(db, [
      'assignments:',
      '  - { employee: E010, pattern: office, from: 2026-01-01, to: 2026-01-31 }',
      '  - { employee: E010, pattern: line-a, from: 2026-02-01, to: 2026-02-28 }',
      '  - { employee: E010, pattern: office, from: 2026-03-01 }',
    ].join('\n'));
    expect(loadSchedules(db).assignments.get('E010')).toHaveLength(3);
  });
});

describe('setAssignment', () => {
  it('adds, replaces by (employee, from), and refuses overlaps and unknown patterns', () => {
    const db = calendarDb();
    importSchedulesFile(db, EXAMPLE);
    setAssignment(db, { employee: 'E100', pattern: 'office', from: '2026-01-01', to: '2026-03-31' });
    setAssignment(db, { employee: 'E100', pattern: 'line-a', from: '2026-01-01', to: '2026-02-28' });
    setAssignment(db, { employee: 'E100', pattern: 'office', from: '2026-03-01', to: null });
    expect(loadSchedules(db).assignments.get('E100')).toEqual([
      { employee: 'E100', pattern: 'line-a', from: '2026-01-01', to: '2026-02-28' },
      { employee: 'E100', pattern: 'office', from: '2026-03-01', to: null },
    ]);

    const overlap = hubErrorOf(() => setAssignment(db, { employee: 'E100', pattern: 'office', from: '2026-02-15', to: '2026-02-20' }));
    expect(overlap.code).toBe('INVALID_INPUT');
    expect(overlap.message).toBe('assignment E100 on office 2026-02-15..2026-02-20 overlaps E100 on line-a 2026-01-01..2026-02-28; end that one first');
    expect(hubErrorOf(() => setAssignment(db, { employee: 'E100', pattern: 'nope', from: '2027-01-01', to: null })).code).toBe('NOT_FOUND');
    expect(hubErrorOf(() => setAssignment(db, { employee: 'E100', pattern: 'office', from: '2026-05-01', to: '2026-04-01' })).code).toBe('INVALID_INPUT');
    expect(hubErrorOf(() => setAssignment(db, { employee: 'E100', pattern: 'office', from: '2026-02-30', to: null })).code).toBe('INVALID_INPUT');
    expect(loadSchedules(db).assignments.get('E100')).toHaveLength(2);
  });

  it('joins a caller\'s transaction: a rollback undoes it', () => {
    const db = calendarDb();
    importSchedulesFile(db, EXAMPLE);
    expect(() =>
      db.transaction(() => {
        setAssignment(db, { employee: 'E200', pattern: 'office', from: '2026-01-01', to: null });
        throw new Error('employee import failed later');
      })(),
    ).toThrow('employee import failed later');
    expect(loadSchedules(db).assignments.get('E200')).toBeUndefined();
  });
});
