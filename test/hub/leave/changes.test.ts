import { describe, expect, it } from 'vitest';
import { LeaveStore } from '../../../hub/leave/store.js';
import type { LeaveChange } from '../../../hub/leave/types.js';
import { pino } from 'pino';
import { LEAVE_FIXTURE, LEAVE_HEAD, leaveWorld } from './leave-db.js';

const withoutId = ({ id: _id, ...change }: LeaveChange): Omit<LeaveChange, 'id'> => change;

describe('leave change notification', () => {
  it('announces the dates of every leave an import creates, the next day too for a night shift', () => {
    const { leave, changes } = leaveWorld();
    leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' });
    expect(changes.map(withoutId)).toEqual([
      { employeeId: 'E1004', from: '2026-03-02', to: '2026-03-06' },
      { employeeId: 'E1005', from: '2026-03-10', to: '2026-03-11' },
      { employeeId: 'E1005', from: '2026-03-20', to: '2026-03-21' },
      { employeeId: 'E1007', from: '2026-03-16', to: '2026-03-16' },
      { employeeId: 'E1008', from: '2026-04-27', to: '2026-05-06' },
      { employeeId: 'E1002', from: '2026-03-13', to: '2026-03-13' },
    ]);
  });

  it('announces an added leave and its cancellation with the same dates, a repeated cancel not at all', () => {
    const { leave, changes } = leaveWorld();
    const added = leave.addLeave({ employee: 'E1005', kind: '事假', from: '2026-03-24', fromTime: '23:00', toTime: '24:00' }, 'hr.limei');
    const night = leave.addLeave({ employee: 'E1005', kind: '事假', from: '2026-03-25', fromTime: '23:00', toTime: '00:30' }, 'hr.limei');
    leave.cancelLeave(night.id, 'hr.limei');
    leave.cancelLeave(night.id, 'hr.other');
    expect(added.toTime).toBe('24:00');
    expect(changes.map(withoutId)).toEqual([
      { employeeId: 'E1005', from: '2026-03-24', to: '2026-03-24' },
      { employeeId: 'E1005', from: '2026-03-25', to: '2026-03-26' },
      { employeeId: 'E1005', from: '2026-03-25', to: '2026-03-26' },
    ]);
  });

  it('announces nothing for a rejected import, and stops announcing after unsubscribe', () => {
    const { leave, changes } = leaveWorld();
    expect(() => leave.importLeave(`${LEAVE_HEAD}\nE9999,年假,2026-03-02,,,,,E1003,2026-02-20T10:15:00+08:00\n`, { fileName: 'bad.csv' })).toThrow();
    const seen: string[] = [];
    const stop = leave.onChange((c) => seen.push(c.employeeId));
    leave.addLeave({ employee: 'E1004', kind: 'annual', from: '2026-03-30' }, 'hr');
    stop();
    leave.addLeave({ employee: 'E1007', kind: 'annual', from: '2026-03-30' }, 'hr');
    expect(seen).toEqual(['E1004']);
    expect(changes.map((c) => c.employeeId)).toEqual(['E1004', 'E1007']);
  });

  it('keeps the leave and tells the other listeners when one listener throws', () => {
    const { db } = leaveWorld();
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    const leave = new LeaveStore({ db, logger });
    const seen: string[] = [];
    leave.onChange(() => {
      throw new Error('detection is down');
    });
    leave.onChange((c) => seen.push(c.from));
    const record = leave.addLeave({ employee: 'E1004', kind: 'sick', from: '2026-03-30' }, 'hr');
    expect(seen).toEqual(['2026-03-30']);
    expect(leave.listLeave().map((l) => l.id)).toEqual([record.id]);
    expect(logged.join('')).toMatch(/a leave change listener failed; the change is stored/);
  });
});

describe('the leave change log', () => {
  it('records every announced change as pending until it is marked judged, in the same transaction as the leave', () => {
    const { leave, changes } = leaveWorld();
    leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' });
    const night = leave.addLeave({ employee: 'E1005', kind: '事假', from: '2026-03-25', fromTime: '23:00', toTime: '00:30' }, 'hr');
    leave.cancelLeave(night.id, 'hr');
    expect(leave.pendingChanges()).toEqual(changes);
    expect(new Set(changes.map((c) => c.id)).size).toBe(changes.length);
    leave.markJudged(changes[0]!.id);
    leave.markJudged(changes[0]!.id);
    expect(leave.pendingChanges()).toEqual(changes.slice(1));
    expect(leave.pendingChanges(2)).toEqual(changes.slice(1, 3));
  });

  it('records nothing for an import that was refused, or a cancel that changed nothing', () => {
    const { leave } = leaveWorld();
    expect(() => leave.importLeave(`${LEAVE_HEAD}\nE9999,年假,2026-03-02,,,,,E1003,2026-02-20T10:15:00+08:00\n`, { fileName: 'bad.csv' })).toThrow();
    const record = leave.addLeave({ employee: 'E1004', kind: 'annual', from: '2026-03-30' }, 'hr');
    leave.cancelLeave(record.id, 'hr');
    leave.cancelLeave(record.id, 'hr');
    expect(leave.pendingChanges().map(withoutId)).toEqual([
      { employeeId: 'E1004', from: '2026-03-30', to: '2026-03-30' },
      { employeeId: 'E1004', from: '2026-03-30', to: '2026-03-30' },
    ]);
  });
});
