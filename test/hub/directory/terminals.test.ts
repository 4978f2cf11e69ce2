import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemsOf, testDirectory } from './directory-db.js';

const FIXTURE = readFileSync(new URL('../../../fixtures/hub/employees.example.csv', import.meta.url));
const HEAD = 'id,name,site,hire_date,end_date,terminal_ids';

function company() {
  const t = testDirectory();
  t.directory.importEmployees(FIXTURE, { fileName: 'employees.example.csv' });
  return t;
}

describe('terminal user ids', () => {
  it('resolves a person enrolled at two sites, each id only at its own site', () => {
    const { directory } = company();
    expect(directory.resolveTerminalUser('shanghai-plant', '4')).toBe('E1004');
    expect(directory.resolveTerminalUser('suzhou-warehouse', '104')).toBe('E1004');
    expect(directory.resolveTerminalUser('suzhou-warehouse', '101')).toBe('E1006');
    expect(directory.resolveTerminalUser('suzhou-warehouse', '4')).toBeUndefined();
    expect(directory.resolveTerminalUser('beijing-office', '4')).toBeUndefined();
    expect(directory.getEmployee('E1004')!.terminalIds).toEqual({ 'shanghai-plant': '4', 'suzhou-warehouse': '104' });
  });

  it('lets an id be re-used once its holder has left, and resolves by the punch date', () => {
    const { directory } = company();
    // E1009 left on 2025-12-31; E1010 started on 2026-01-05 with the same id 9.
    expect(directory.resolveTerminalUser('shanghai-plant', '9')).toBe('E1010');
    expect(directory.resolveTerminalUser('shanghai-plant', '9', '2025-12-31')).toBe('E1009');
    expect(directory.resolveTerminalUser('shanghai-plant', '9', '2026-01-02')).toBeUndefined();
    expect(directory.resolveTerminalUser('shanghai-plant', '9', '2026-01-05')).toBe('E1010');
    expect(directory.resolveTerminalUser('shanghai-plant', '4', '2019-04-14')).toBeUndefined();
  });

  it('refuses an id held by someone employed at the same time, naming them', () => {
    const { directory } = company();
    const error = problemsOf(() => directory.importEmployees(`${HEAD}\nE2000,新员工,shanghai-plant,2026-03-02,,shanghai-plant:3\n`, { fileName: 'new.csv' }));
    expect(error.problems).toEqual([{
      row: 1,
      field: 'terminal_ids',
      message: "row 1 (line 2), terminal_ids: user id 3 at site shanghai-plant is also held by E1003, employed 2016-09-01 to now while both are employed; set the other person's end date or enrol a different user id",
    }]);
    // Ending the holder's employment before the start in the same file makes it a re-use.
    const handover = `${HEAD}\nE1003,张伟,shanghai-plant,2016-09-01,2026-02-28,shanghai-plant:3\nE2000,新员工,shanghai-plant,2026-03-02,,shanghai-plant:3\n`;
    expect(directory.importEmployees(handover, { fileName: 'handover.csv' })).toMatchObject({ created: 1, updated: 1 });
    expect(directory.resolveTerminalUser('shanghai-plant', '3')).toBe('E2000');
    expect(directory.resolveTerminalUser('shanghai-plant', '3', '2026-02-27')).toBe('E1003');
  });

  it('refuses an end date that still overlaps the new holder', () => {
    const { directory } = company();
    const csv = `${HEAD}\nE1003,张伟,shanghai-plant,2016-09-01,2026-03-15,shanghai-plant:3\nE2000,新员工,shanghai-plant,2026-03-02,,shanghai-plant:3\n`;
    const error = problemsOf(() => directory.importEmployees(csv, { fileName: 'overlap.csv' }));
    expect(error.problems.map((p) => [p.row, p.field])).toEqual([[1, 'terminal_ids'], [2, 'terminal_ids']]);
    expect(error.problems[1]!.message).toMatch(/also held by E1003 \(row 1 \(line 2\)\)/);
  });

  it('flags both rows when two rows of a file claim the same id', () => {
    const { directory } = company();
    const csv = `${HEAD}\nE2000,甲,suzhou-warehouse,2026-03-02,,suzhou-warehouse:200\nE2001,乙,suzhou-warehouse,2026-03-02,,suzhou-warehouse:200\n`;
    const result = directory.importEmployees(csv, { fileName: 'twins.csv', acceptValid: true });
    expect(result.created).toBe(0);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^row 1 \(line 2\), terminal_ids: user id 200 at site suzhou-warehouse is also held by E2001 \(row 2 \(line 3\)\)/),
      expect.stringMatching(/^row 2 \(line 3\), terminal_ids: user id 200 at site suzhou-warehouse is also held by E2000 \(row 1 \(line 2\)\)/),
    ]);
  });

  it('accepts two people swapping ids in one file, recording both changes', () => {
    const { directory } = company();
    const csv = 'id,name,site,hire_date,terminal_ids\nE1003,张伟,shanghai-plant,2016-09-01,shanghai-plant:5\nE1005,陈静,shanghai-plant,2020-11-02,shanghai-plant:3\n';
    expect(directory.importEmployees(csv, { fileName: 'swap.csv' })).toMatchObject({ updated: 2 });
    expect(directory.resolveTerminalUser('shanghai-plant', '3')).toBe('E1005');
    expect(directory.resolveTerminalUser('shanghai-plant', '5')).toBe('E1003');
    expect(directory.history('E1003').at(-1)).toMatchObject({ field: 'terminalIds.shanghai-plant', oldValue: '3', newValue: '5' });
  });

  it('keeps an id with its holder when the row moving it away fails (acceptValid)', () => {
    const { directory } = company();
    const csv = 'id,name,site,hire_date,terminal_ids,email\n'
      + 'E1003,张伟,shanghai-plant,2016-09-01,shanghai-plant:33,not-an-email\n'
      + 'E2000,新员工,shanghai-plant,2026-03-02,shanghai-plant:3,\n';
    const result = directory.importEmployees(csv, { fileName: 'move.csv', acceptValid: true });
    expect(result.problems.map((p) => [p.row, p.field])).toEqual([[1, 'email'], [2, 'terminal_ids']]);
    expect(directory.resolveTerminalUser('shanghai-plant', '3')).toBe('E1003');
    expect(directory.getEmployee('E2000')).toBeUndefined();
  });

  it('removes the ids given as an empty cell', () => {
    const { directory } = company();
    directory.importEmployees('id,name,site,hire_date,terminal_ids\nE1004,刘洋,shanghai-plant,2019-04-15,\n', { fileName: 'unenrol.csv' });
    expect(directory.getEmployee('E1004')!.terminalIds).toEqual({});
    expect(directory.resolveTerminalUser('suzhou-warehouse', '104')).toBeUndefined();
    expect(directory.history('E1004').slice(1).map((h) => [h.field, h.oldValue, h.newValue])).toEqual([
      ['terminalIds.shanghai-plant', '4', null],
      ['terminalIds.suzhou-warehouse', '104', null],
    ]);
  });

  it('refuses a site listed twice for one person', () => {
    const { directory } = company();
    const error = problemsOf(() => directory.importEmployees(`${HEAD}\nE2000,甲,suzhou-warehouse,2026-03-02,,suzhou-warehouse:200;suzhou-warehouse:201\n`, { fileName: 'x.csv' }));
    expect(error.problems[0]!.message).toMatch(/site suzhou-warehouse is listed twice/);
  });
});
