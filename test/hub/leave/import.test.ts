import { describe, expect, it } from 'vitest';
import { problemsOf } from '../directory/directory-db.js';
import { LEAVE_FIXTURE, LEAVE_HEAD, leaveWorld } from './leave-db.js';

describe('leave import', () => {
  it('imports the example file with kinds normalised and partial days kept', () => {
    const { leave } = leaveWorld();
    expect(leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' })).toEqual({ created: 6, updated: 0, unchanged: 0, problems: [] });
    const all = leave.listLeave();
    expect(all.map((l) => [l.employeeId, l.kind, l.kindNote, l.from, l.to, l.fromTime, l.toTime])).toEqual([
      ['E1002', 'other', '调休', '2026-03-13', '2026-03-13', null, null],
      ['E1004', 'annual', null, '2026-03-02', '2026-03-06', null, null],
      ['E1005', 'sick', null, '2026-03-10', '2026-03-11', null, null],
      ['E1005', 'personal', null, '2026-03-20', '2026-03-20', '22:00', '02:00'],
      ['E1007', 'personal', null, '2026-03-16', '2026-03-16', '09:00', '12:00'],
      ['E1008', 'marriage', null, '2026-04-27', '2026-05-06', null, null],
    ]);
    expect(all[1]).toMatchObject({
      reason: '春季探亲',
      approvedBy: 'E1003',
      approvedAtMs: Date.parse('2026-02-20T02:15:00Z'),
      source: { kind: 'import', name: 'leave.example.csv' },
      status: 'approved',
      cancelledBy: null,
    });
  });

  it('is idempotent: the same approvals imported again are neither doubled nor announced', () => {
    const { leave, changes } = leaveWorld();
    leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' });
    changes.length = 0;
    expect(leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave-again.csv' })).toEqual({ created: 0, updated: 0, unchanged: 6, problems: [] });
    expect(leave.listLeave()).toHaveLength(6);
    expect(changes).toEqual([]);
  });

  it('keeps a cancelled leave cancelled when an older file restates it, and stores a new approval of the same days', () => {
    const { leave, clock } = leaveWorld();
    leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' });
    const annual = leave.listLeave({ employeeId: 'E1004' })[0]!;
    clock.ms += 60_000;
    leave.cancelLeave(annual.id, 'hr.limei');
    expect(leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' }).unchanged).toBe(6);
    expect(leave.listLeave({ employeeId: 'E1004' }).map((l) => l.status)).toEqual(['cancelled']);
    const again = `${LEAVE_HEAD}\nE1004,年假,2026-03-02,2026-03-06,,,春季探亲,E1003,2026-02-25T10:00:00+08:00\n`;
    expect(leave.importLeave(again, { fileName: 'reapproved.csv' }).created).toBe(1);
    expect(leave.listLeave({ employeeId: 'E1004' }).map((l) => l.status)).toEqual(['cancelled', 'approved']);
  });

  it('updates the reason and approver of an approval imported again with corrections', () => {
    const { leave, changes } = leaveWorld();
    leave.importLeave(`${LEAVE_HEAD}\nE1005,sick leave,2026-03-10,2026-03-11,,,发烧,E1003,2026-03-10T08:05:00+08:00\n`, { fileName: 'a.csv' });
    changes.length = 0;
    const corrected = `${LEAVE_HEAD}\nE1005,病假,2026-03-10,2026-03-11,,,发烧就诊（附病历）,E1002,2026-03-10T08:05:00+08:00\n`;
    expect(leave.importLeave(corrected, { fileName: 'b.csv' })).toMatchObject({ created: 0, updated: 1 });
    expect(leave.listLeave()).toEqual([expect.objectContaining({ reason: '发烧就诊（附病历）', approvedBy: 'E1002', kind: 'sick' })]);
    expect(changes).toEqual([]);
  });

  it('lists every problem of every row', () => {
    const { leave } = leaveWorld();
    const csv = [
      LEAVE_HEAD,
      'E1004,年假,2026-03-02,2026-03-06,,,,E1003,2026-02-20T10:15:00+08:00',
      'E9999,年假,2026-03-02,2026-03-01,,,,E1003,2026-02-20 10:15',
      'E1005,事假,2026-03-20,2026-03-21,22:00,02:00,,E1003,2026-03-18T16:40:00Z',
      'E1005,事假,2026-03-20,,22:00,,,,2026-03-18T16:40:00+0800',
      'E1007,,2026-02-30,,25:00,09:00,,E1006,2026-03-12T11:00:00+08:00',
      'E1007,personal,2026-03-16,,09:00,09:00,,E1006,2026-03-12T11:00:00+08:00',
    ].join('\n');
    const error = problemsOf(() => leave.importLeave(csv, { fileName: 'leave.csv' }));
    expect(error.problems.map((p) => `${p.row} ${p.field}`)).toEqual([
      '2 approved_at', '2 to', '2 employee',
      '3 to',
      '4 approved_by', '4 to_time',
      '5 kind', '5 from', '5 from_time',
      '6 to_time',
    ]);
    const message = (row: number, field: string) => error.problems.find((p) => p.row === row && p.field === field)!.message;
    expect(message(2, 'employee')).toBe('row 2 (line 3), employee: no employee E9999 in the directory; import the employee first, or fix the employee number');
    expect(message(2, 'approved_at')).toMatch(/"2026-02-20 10:15" is not a time with a UTC offset; use an ISO 8601 time with its UTC offset/);
    expect(message(3, 'to')).toMatch(/a partial day is on one date: leave to empty/);
    expect(message(5, 'from_time')).toMatch(/"25:00" is not a time of day/);
    expect(message(6, 'to_time')).toMatch(/starts and ends at 09:00/);
    expect(leave.listLeave()).toEqual([]);
  });

  it('reports the end before the start, and a partial day missing one time', () => {
    const { leave } = leaveWorld();
    const csv = [LEAVE_HEAD, 'E1004,年假,2026-03-06,2026-03-02,,,,E1003,2026-02-20T10:15:00+08:00', 'E1005,事假,2026-03-20,,22:00,,,E1003,2026-03-18T16:40:00+08:00'].join('\n');
    const result = leave.importLeave(csv, { fileName: 'leave.csv', acceptValid: true });
    expect(result.problems.map((p) => p.message)).toEqual([
      'row 1 (line 2), to: the leave ends 2026-03-02, before it starts 2026-03-06',
      'row 2 (line 3), to_time: a partial day needs both from_time and to_time; leave both empty for whole days',
    ]);
  });

  it('imports the valid rows with acceptValid, none without', () => {
    const { leave } = leaveWorld();
    const csv = [LEAVE_HEAD, 'E1004,年假,2026-03-02,2026-03-06,,,,E1003,2026-02-20T10:15:00+08:00', 'E9999,年假,2026-03-02,,,,,E1003,2026-02-20T10:15:00+08:00'].join('\n');
    expect(problemsOf(() => leave.importLeave(csv, { fileName: 'leave.csv' })).message).toMatch(/^leave\.csv: 1 problem in 1 row .*nothing was imported/);
    expect(leave.listLeave()).toEqual([]);
    const result = leave.importLeave(csv, { fileName: 'leave.csv', acceptValid: true });
    expect(result).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
    expect(result.problems.map((p) => [p.row, p.field])).toEqual([[2, 'employee']]);
  });

  it('imports YAML with the same fields in camelCase', () => {
    const { leave } = leaveWorld();
    const yaml = [
      '- employee: E1005',
      '  kind: 事假',
      '  from: 2026-03-20',
      '  fromTime: "22:00"',
      '  toTime: "02:00"',
      '  approvedBy: E1003',
      '  approvedAt: 2026-03-18T16:40:00+08:00',
      '- employee: E1004',
      '  kind: Annual Leave',
      '  from: 2026-03-02',
      '  to: 2026-03-01',
      '  approvedBy: E1003',
      '  approvedAt: 2026-02-20T10:15:00+08:00',
    ].join('\n');
    const result = leave.importLeave(yaml, { fileName: 'leave.yaml', acceptValid: true });
    expect(result.created).toBe(1);
    expect(result.problems).toEqual([{ row: 2, field: 'to', message: 'entry 2 (line 8), to: the leave ends 2026-03-01, before it starts 2026-03-02' }]);
    expect(leave.listLeave()[0]).toMatchObject({ employeeId: 'E1005', kind: 'personal', fromTime: '22:00', toTime: '02:00' });
  });
});
