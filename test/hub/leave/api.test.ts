import { describe, expect, it } from 'vitest';
import { normaliseKind } from '../../../hub/leave/kind.js';
import { problemsOf } from '../directory/directory-db.js';
import { LEAVE_FIXTURE, leaveWorld } from './leave-db.js';

describe('leave through the API', () => {
  it('records the acting user as approver, now as approval time, and the API as source', () => {
    const { leave, clock } = leaveWorld();
    const record = leave.addLeave({ employee: 'E1008', kind: '丧假', from: '2026-03-09', to: '2026-03-11', reason: '祖母去世' }, 'hr.limei');
    expect(record).toEqual({
      id: expect.any(Number),
      employeeId: 'E1008',
      kind: 'bereavement',
      kindNote: null,
      from: '2026-03-09',
      to: '2026-03-11',
      fromTime: null,
      toTime: null,
      reason: '祖母去世',
      approvedBy: 'hr.limei',
      approvedAtMs: clock.ms,
      source: { kind: 'api', name: 'hr.limei' },
      recordedAtMs: clock.ms,
      status: 'approved',
      cancelledBy: null,
      cancelledAtMs: null,
    });
  });

  it('returns the stored record, without a second one, for the same approval sent twice', () => {
    const { leave, changes } = leaveWorld();
    const body = { employee: 'E1004', kind: 'annual', from: '2026-03-23', approvedBy: 'E1003', approvedAt: '2026-03-20T09:00:00+08:00' };
    const first = leave.addLeave(body, 'hr.limei');
    expect(leave.addLeave(body, 'hr.limei')).toEqual(first);
    expect(leave.listLeave()).toHaveLength(1);
    expect(changes).toHaveLength(1);
  });

  it('names the fields of an invalid body in camelCase', () => {
    const { leave } = leaveWorld();
    const error = problemsOf(() => leave.addLeave({ employee: 'E404', kind: 'annual', from: '2026-03-23', fromTime: '09:00' }, 'hr'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.problems).toEqual([
      { row: 1, field: 'toTime', message: 'toTime: a partial day needs both fromTime and toTime; leave both empty for whole days' },
      { row: 1, field: 'employee', message: 'employee: no employee E404 in the directory; import the employee first, or fix the employee number' },
    ]);
  });

  it('keeps a cancelled leave with who cancelled it and when, and refuses an unknown id', () => {
    const { leave, clock } = leaveWorld();
    const record = leave.addLeave({ employee: 'E1004', kind: 'annual', from: '2026-03-23' }, 'hr.limei');
    clock.ms += 3_600_000;
    const cancelled = leave.cancelLeave(record.id, 'hr.wang');
    expect(cancelled).toEqual({ ...record, status: 'cancelled', cancelledBy: 'hr.wang', cancelledAtMs: clock.ms });
    clock.ms += 1000;
    expect(leave.cancelLeave(record.id, 'hr.zhao')).toEqual(cancelled);
    expect(leave.listLeave()).toEqual([cancelled]);
    expect(problemsOf(() => leave.cancelLeave(424242, 'hr')).code).toBe('NOT_FOUND');
  });

  it('lists leave of one employee and leave touching a date range, cancelled included', () => {
    const { leave } = leaveWorld();
    leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' });
    expect(leave.listLeave({ employeeId: 'E1005' }).map((l) => l.from)).toEqual(['2026-03-10', '2026-03-20']);
    // The night-shift leave of 03-20 runs into 03-21.
    expect(leave.listLeave({ from: '2026-03-21', to: '2026-03-31' }).map((l) => `${l.employeeId} ${l.from}`)).toEqual(['E1005 2026-03-20']);
    expect(leave.listLeave({ from: '2026-03-06', to: '2026-03-10' }).map((l) => `${l.employeeId} ${l.from}`)).toEqual(['E1004 2026-03-02', 'E1005 2026-03-10']);
    expect(leave.listLeave({ to: '2026-03-01' })).toEqual([]);
    expect(leave.listLeave({ from: '2026-05-06' }).map((l) => l.employeeId)).toEqual(['E1008']);
  });
});

describe('leave kinds', () => {
  it.each([
    ['年假', 'annual'], ['Annual Leave', 'annual'], ['annual_leave', 'annual'], ['年休假', 'annual'],
    ['病假', 'sick'], ['SICK', 'sick'], ['事假', 'personal'], ['婚假', 'marriage'], ['产假', 'maternity'],
    ['maternity leave', 'maternity'], ['丧假', 'bereavement'], ['其他', 'other'], ['other', 'other'],
  ])('reads %s as %s', (text, kind) => expect(normaliseKind(text)).toEqual({ kind, note: null }));

  it('keeps an unknown name as written under other', () => {
    expect(normaliseKind('  陪产假 ')).toEqual({ kind: 'other', note: '陪产假' });
    expect(normaliseKind('Comp  time')).toEqual({ kind: 'other', note: 'Comp time' });
  });
});
