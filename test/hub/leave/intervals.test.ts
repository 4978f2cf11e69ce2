import { describe, expect, it } from 'vitest';
import { zone } from '../../../hub/time/zone.js';
import { LEAVE_FIXTURE, LEAVE_HEAD, leaveWorld } from './leave-db.js';

const SHANGHAI = zone('Asia/Shanghai');
const z = (iso: string) => Date.parse(iso);
const MARCH = { fromMs: z('2026-03-01T00:00:00+08:00'), toMs: z('2026-04-01T00:00:00+08:00'), zoneOf: () => SHANGHAI };

describe('leave intervals', () => {
  it('covers whole local days in the site zone: a day in Asia/Shanghai is 16:00Z to 16:00Z', () => {
    const { leave } = leaveWorld();
    leave.importLeave(`${LEAVE_HEAD}\nE1002,调休,2026-03-13,2026-03-13,,,,E1001,2026-03-09T14:20:00+08:00\n`, { fileName: 'one.csv' });
    expect(leave.leaveIntervals(MARCH)).toEqual([
      { leaveId: expect.any(Number), employeeId: 'E1002', startMs: z('2026-03-12T16:00:00Z'), endMs: z('2026-03-13T16:00:00Z'), kind: 'other' },
    ]);
  });

  it('returns the example leave of March ordered by employee and start, night shift crossing midnight', () => {
    const { leave } = leaveWorld();
    leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' });
    const got = leave.leaveIntervals(MARCH).map((i) => [i.employeeId, i.kind, new Date(i.startMs).toISOString(), new Date(i.endMs).toISOString()]);
    expect(got).toEqual([
      ['E1002', 'other', '2026-03-12T16:00:00.000Z', '2026-03-13T16:00:00.000Z'],
      ['E1004', 'annual', '2026-03-01T16:00:00.000Z', '2026-03-06T16:00:00.000Z'],
      ['E1005', 'sick', '2026-03-09T16:00:00.000Z', '2026-03-11T16:00:00.000Z'],
      ['E1005', 'personal', '2026-03-20T14:00:00.000Z', '2026-03-20T18:00:00.000Z'],
      ['E1007', 'personal', '2026-03-16T01:00:00.000Z', '2026-03-16T04:00:00.000Z'],
    ]);
  });

  it('returns exactly the intervals overlapping [fromMs, toMs), end exclusive', () => {
    const { leave } = leaveWorld();
    leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' });
    const q = (fromIso: string, toIso: string) => leave.leaveIntervals({ fromMs: z(fromIso), toMs: z(toIso), zoneOf: () => SHANGHAI }).map((i) => `${i.employeeId} ${i.kind}`);
    // E1004's annual leave ends at local midnight 2026-03-07 00:00 (+08:00).
    expect(q('2026-03-07T00:00:00+08:00', '2026-03-08T00:00:00+08:00')).toEqual([]);
    expect(q('2026-03-06T23:59:00+08:00', '2026-03-07T00:00:00+08:00')).toEqual(['E1004 annual']);
    // The night-shift leave 22:00-02:00 seen from the second day only.
    expect(q('2026-03-21T00:00:00+08:00', '2026-03-21T01:00:00+08:00')).toEqual(['E1005 personal']);
    expect(q('2026-03-21T02:00:00+08:00', '2026-03-22T00:00:00+08:00')).toEqual([]);
    // The marriage leave starts at toMs: not included.
    expect(q('2026-04-26T00:00:00+08:00', '2026-04-27T00:00:00+08:00')).toEqual([]);
    expect(q('2026-03-01T00:00:00+08:00', '2026-03-01T00:00:00+08:00')).toEqual([]);
  });

  it('keeps overlapping approvals of one person as separate intervals (detection merges them)', () => {
    const { leave } = leaveWorld();
    leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' });
    leave.addLeave({ employee: 'E1004', kind: '病假', from: '2026-03-05', to: '2026-03-09' }, 'hr.limei');
    expect(leave.leaveIntervals({ ...MARCH, employeeIds: ['E1004'] }).map((i) => [i.kind, new Date(i.startMs).toISOString(), new Date(i.endMs).toISOString()])).toEqual([
      ['annual', '2026-03-01T16:00:00.000Z', '2026-03-06T16:00:00.000Z'],
      ['sick', '2026-03-04T16:00:00.000Z', '2026-03-09T16:00:00.000Z'],
    ]);
  });

  it('filters by employees, and leaves out cancelled leave', () => {
    const { leave } = leaveWorld();
    leave.importLeave(LEAVE_FIXTURE, { fileName: 'leave.example.csv' });
    expect(leave.leaveIntervals({ ...MARCH, employeeIds: ['E1005', 'E1007', 'E4040'] }).map((i) => i.employeeId)).toEqual(['E1005', 'E1005', 'E1007']);
    expect(leave.leaveIntervals({ ...MARCH, employeeIds: [] })).toEqual([]);
    const sick = leave.listLeave({ employeeId: 'E1005' }).find((l) => l.kind === 'sick')!;
    leave.cancelLeave(sick.id, 'hr.limei');
    expect(leave.leaveIntervals({ ...MARCH, employeeIds: ['E1005'] }).map((i) => i.kind)).toEqual(['personal']);
  });

  it("converts each leave in its employee's site zone, asking for each site's zone", () => {
    const { leave } = leaveWorld();
    leave.importLeave(
      `${LEAVE_HEAD}\nE1004,年假,2026-03-29,,,,,E1003,2026-03-01T10:00:00+08:00\nE1006,年假,2026-03-29,,,,,E1001,2026-03-01T10:00:00+08:00\n`,
      { fileName: 'zones.csv' },
    );
    const asked: string[] = [];
    // The warehouse in Berlin for this test: 2026-03-29 is the day the clocks go forward there (23 hours).
    const zoneOf = (site: string) => {
      asked.push(site);
      return zone(site === 'suzhou-warehouse' ? 'Europe/Berlin' : 'Asia/Shanghai');
    };
    const got = leave.leaveIntervals({ fromMs: z('2026-03-28T00:00:00Z'), toMs: z('2026-03-31T00:00:00Z'), zoneOf });
    expect(got.map((i) => [i.employeeId, new Date(i.startMs).toISOString(), (i.endMs - i.startMs) / 3_600_000])).toEqual([
      ['E1004', '2026-03-28T16:00:00.000Z', 24],
      ['E1006', '2026-03-28T23:00:00.000Z', 23],
    ]);
    expect(asked.sort()).toEqual(['shanghai-plant', 'suzhou-warehouse']);
  });
});
