import { describe, expect, it } from 'vitest';
import { LeaveStore } from '../../../hub/leave/store.js';
import { zone } from '../../../hub/time/zone.js';
import { silent } from '../../helpers/temp.js';
import { testDirectory } from './directory-db.js';

/**
 * A company of 20,000 at ten sites, through the bulk paths (the snapshot checks of a large import,
 * one-query listing, interval reads). How fast they are is measured by `npm run bench`, not here.
 */
const N = 20_000;
const id = (i: number) => `E${String(i).padStart(6, '0')}`;

function companyCsv(): string {
  const lines = ['id,name,department,manager,site,hire_date,terminal_ids,phone,email'];
  for (let i = 1; i <= N; i++) {
    const site = `site-${i % 10}`;
    lines.push(`${id(i)},员工${i},生产部,${i > 100 ? id((i % 100) + 1) : ''},${site},2020-01-01,${site}:${i},1380013${String(i % 10_000).padStart(4, '0')},e${i}@example.com`);
  }
  return lines.join('\n');
}

describe('directory and leave at 20,000 employees', () => {
  it('imports, lists, resolves terminal ids and reads leave intervals in bulk', () => {
    const { db, directory } = testDirectory();
    const csv = companyCsv();
    const created = directory.importEmployees(csv, { fileName: 'company.csv' });
    expect(created).toMatchObject({ created: N, problems: [] });
    const again = directory.importEmployees(csv, { fileName: 'company.csv' });
    expect(again).toMatchObject({ unchanged: N });

    const listed = directory.listEmployees({ activeOn: '2026-03-01' });
    expect(listed).toHaveLength(N);

    const hits = (() => {
      let found = 0;
      for (let i = 1; i <= N; i++) if (directory.resolveTerminalUser(`site-${i % 10}`, String(i)) === id(i)) found++;
      return found;
    })();
    expect(hits).toBe(N);

    const leave = new LeaveStore({ db, logger: silent });
    const rows = ['employee,kind,from,to,approved_by,approved_at'];
    for (let i = 1; i <= N; i++) rows.push(`${id(i)},年假,2026-03-${String(1 + (i % 28)).padStart(2, '0')},,boss,2026-02-10T09:00:00+08:00`);
    expect(leave.importLeave(rows.join('\n'), { fileName: 'leave.csv' })).toMatchObject({ created: N });
    const shanghai = zone('Asia/Shanghai');
    const month = leave.leaveIntervals({ fromMs: Date.parse('2026-03-01T00:00:00+08:00'), toMs: Date.parse('2026-04-01T00:00:00+08:00'), zoneOf: () => shanghai });
    expect(month).toHaveLength(N);
    expect(month.every((l, i) => i === 0 || l.employeeId > month[i - 1]!.employeeId)).toBe(true);
    const day = leave.leaveIntervals({ fromMs: Date.parse('2026-03-10T00:00:00+08:00'), toMs: Date.parse('2026-03-11T00:00:00+08:00'), zoneOf: () => shanghai });
    expect(day.length).toBe(Array.from({ length: N }, (_, k) => k + 1).filter((i) => 1 + (i % 28) === 10).length);
  }, 240_000);
});
