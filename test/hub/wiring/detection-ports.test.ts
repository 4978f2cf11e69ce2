import { afterEach, describe, expect, it } from 'vitest';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { Directory } from '../../../hub/directory/directory.js';
import { openModules, type HubModules } from '../../../hub/wiring/modules.js';
import { silent, tempDir } from '../../helpers/temp.js';
import { at, EMPLOYEE_HEADER, TWO_SITES } from './two-sites.js';

const config = TWO_SITES;
const HEADER = EMPLOYEE_HEADER;

describe('detection ports on the hub database', () => {
  const dir = tempDir('ports-');
  const open: HubDatabase[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });

  function hub(file: string): HubModules {
    const db = openHubDatabase({ path: dir.file(file), synchronous: 'NORMAL', logger: silent });
    open.push(db);
    return openModules({ db, config, logger: silent });
  }

  function punch(h: HubModules, site: string, userId: string, local: string): void {
    h.db.prepare(`INSERT INTO punches (id, site, gateway, device_serial, user_id, at, at_ms, state, verify, workcode, source, epoch, received_ms)
      VALUES (?, ?, 'gw1', 'SN', ?, ?, ?, 0, 1, 0, 'poll', 1, 0)`).run(`${site}-${userId}-${local}`, site, userId, `${local}+08:00`, at(local));
  }

  it('resolves punches by who held the terminal user id on the punch date, merging a person\'s sites', () => {
    const h = hub('resolve.sqlite');
    h.directory.importEmployees([
      HEADER,
      // User 7 at north was A's until the end of March, then B's; C punches at both sites.
      'A,Old holder,,,north,2020-01-01,2026-03-31,north:7',
      'B,New holder,,,north,2026-04-01,,north:7',
      'C,Two sites,,,north,2020-01-01,,north:8;south:3',
    ].join('\n'), { fileName: 'people.csv' });
    punch(h, 'north', '7', '2026-03-31T17:00:00');
    punch(h, 'north', '7', '2026-04-01T08:55:00');
    punch(h, 'south', '3', '2026-03-31T08:00:00');
    punch(h, 'north', '8', '2026-03-31T17:30:00');
    punch(h, 'north', '8', '2026-03-31T07:59:00');
    punch(h, 'north', '99', '2026-03-31T09:00:00'); // nobody's
    const all = h.ports.punches(at('2026-03-31T00:00:00'), at('2026-04-01T23:59:00'));
    expect(Object.fromEntries(all)).toEqual({
      A: [at('2026-03-31T17:00:00')],
      B: [at('2026-04-01T08:55:00')],
      C: [at('2026-03-31T07:59:00'), at('2026-03-31T08:00:00'), at('2026-03-31T17:30:00')],
    });
    // Only the listed employees, and only inside the span.
    expect(Object.fromEntries(h.ports.punches(at('2026-03-31T00:00:00'), at('2026-03-31T12:00:00'), ['C', 'B']))).toEqual({
      C: [at('2026-03-31T07:59:00'), at('2026-03-31T08:00:00')],
    });
    // A few employees are looked up by their user ids, many by reading the window: the same answer.
    const many = [...Array.from({ length: 40 }, (_, i) => `X${i}`), 'A', 'B', 'C'];
    for (const ids of [['A'], ['B'], ['C'], ['A', 'B', 'C'], many]) {
      const span = [at('2026-03-31T00:00:00'), at('2026-04-01T23:59:00')] as const;
      expect(Object.fromEntries(h.ports.punches(...span, ids))).toEqual(Object.fromEntries([...all].filter(([id]) => ids.includes(id))));
    }
  });

  it('sees a directory change made through another connection, and reads it only when it changed', () => {
    const h = hub('revision.sqlite');
    h.directory.importEmployees(`${HEADER}\nA,First,ops,,north,2020-01-01,,north:1`, { fileName: 'a.csv' });
    expect(h.ports.employees('north').map((e) => e.employeeId)).toEqual(['A']);
    const unchanged = h.ports.employees('north');
    expect(h.ports.employees('north')).toBe(unchanged);

    const other = openHubDatabase({ path: dir.file('revision.sqlite'), synchronous: 'NORMAL', logger: silent });
    open.push(other);
    new Directory({ db: other, logger: silent }).importEmployees(`${HEADER}\nA,First,sales,,north,2020-01-01,,north:1\nB,Second,ops,,south,2021-01-01,,south:2`, { fileName: 'b.csv' });
    expect(h.ports.employee('A')).toMatchObject({ department: 'sales' });
    expect(h.ports.employees('south').map((e) => e.employeeId)).toEqual(['B']);
    // A terminal id changed elsewhere is followed too.
    other.prepare("UPDATE directory_terminal_users SET user_id = '5' WHERE employee_id = 'B'").run();
    punch(h, 'south', '5', '2026-03-31T08:00:00');
    expect(Object.fromEntries(h.ports.punches(at('2026-03-31T00:00:00'), at('2026-03-31T23:00:00')))).toEqual({ B: [at('2026-03-31T08:00:00')] });
  });
  it('reads leave of a few employees by name and of many by the span, keeping only those listed', () => {
    const h = hub('leave.sqlite');
    const rows = [HEADER];
    for (let i = 0; i < 40; i++) rows.push(`P${i},Person ${i},,,${i < 30 ? 'north' : 'south'},2020-01-01,,${i < 30 ? 'north' : 'south'}:${i + 1}`);
    h.directory.importEmployees(rows.join('\n'), { fileName: 'people.csv' });
    for (const employee of ['P1', 'P2', 'P35']) h.leave.addLeave({ employee, kind: 'annual', from: '2026-03-31' }, 'hr');
    h.leave.addLeave({ employee: 'P3', kind: 'annual', from: '2026-04-10' }, 'hr'); // outside the span
    const span = [at('2026-03-31T00:00:00'), at('2026-04-01T00:00:00')] as const;
    const whose = (ids?: string[]): string[] => h.ports.leave(...span, ids).map((l) => l.employeeId);
    expect(whose()).toEqual(['P1', 'P2', 'P35']);
    expect(whose(['P2', 'P3'])).toEqual(['P2']);
    const north = h.ports.employees('north').map((e) => e.employeeId);
    expect(north).toHaveLength(30);
    expect(whose(north)).toEqual(['P1', 'P2']);
    expect(whose([...north, 'P35', 'X1', 'X2'])).toEqual(['P1', 'P2', 'P35']);
  });
});
