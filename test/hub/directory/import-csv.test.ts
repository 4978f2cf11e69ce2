import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEADER, problemsOf, testDirectory } from './directory-db.js';

const FIXTURE = new URL('../../../fixtures/hub/employees.example.csv', import.meta.url);

describe('employee CSV import', () => {
  it('imports the example company with contacts, managers and terminal ids', () => {
    const { directory } = testDirectory();
    const result = directory.importEmployees(readFileSync(FIXTURE), { fileName: 'employees.example.csv' });
    expect(result).toEqual({ created: 10, updated: 0, unchanged: 0, problems: [] });
    expect(directory.getEmployee('E1002')).toEqual({
      id: 'E1002',
      name: '李梅',
      department: '人事部',
      managerId: 'E1001',
      site: 'shanghai-plant',
      hireDate: '2017-06-12',
      endDate: null,
      terminalIds: { 'shanghai-plant': '2' },
      contacts: {
        phone: '13800138002',
        email: 'li.mei@example.com',
        chatId: 'limei',
        postalAddress: '上海市徐汇区样板路 12 弄 5 号, 1201 室',
        emergency: { name: '李强', phone: '13900139002', relation: '兄弟' },
      },
    });
    expect(directory.getEmployee('E9999')).toBeUndefined();
  });

  it('lists employees by site and by who is employed on a date, in one shape', () => {
    const { directory } = testDirectory();
    directory.importEmployees(readFileSync(FIXTURE), { fileName: 'employees.example.csv' });
    expect(directory.listEmployees({ site: 'suzhou-warehouse' }).map((e) => e.id)).toEqual(['E1006', 'E1007']);
    const ids = (activeOn: string) => directory.listEmployees({ site: 'shanghai-plant', activeOn }).map((e) => e.id);
    // E1009's last day is 2025-12-31; E1010 starts 2026-01-05.
    expect(ids('2025-12-31')).toContain('E1009');
    expect(ids('2025-12-31')).not.toContain('E1010');
    expect(ids('2026-01-02')).not.toContain('E1009');
    expect(ids('2026-01-02')).not.toContain('E1010');
    expect(ids('2026-01-05')).toContain('E1010');
    expect(directory.listEmployees({ activeOn: '2016-01-01' })).toEqual([
      { id: 'E1001', name: '王建国', department: '管理部', managerId: null, site: 'shanghai-plant', hireDate: '2015-03-02', endDate: null },
    ]);
    expect(directory.listEmployees()).toHaveLength(10);
  });

  it('reads UTF-8 with a byte-order mark, and keeps Chinese text, quotes and line breaks exactly', () => {
    const { directory } = testDirectory();
    const csv = `${HEADER}\nE1,"欧阳 ""小"" 明",研发部,,plant,2024-01-01,,,,,,"北京市海淀区示例路 1 号\n2 单元 301",张三,13800138000,父亲\n`;
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]);
    expect(directory.importEmployees(bytes, { fileName: 'bom.csv' }).created).toBe(1);
    const e = directory.getEmployee('E1')!;
    expect(e.name).toBe('欧阳 "小" 明');
    expect(e.contacts.postalAddress).toBe('北京市海淀区示例路 1 号\n2 单元 301');
    expect(e.contacts.emergency).toEqual({ name: '张三', phone: '13800138000', relation: '父亲' });
    // The same file without the mark is the same data: nothing changes.
    expect(directory.importEmployees(Buffer.from(csv, 'utf8'), { fileName: 'no-bom.csv' })).toMatchObject({ unchanged: 1, updated: 0 });
  });

  it('refuses a file in a legacy encoding instead of importing garbled names', () => {
    const { directory } = testDirectory();
    // "王" in GBK, as Excel's plain "CSV" format writes it on a Chinese Windows.
    const gbk = Buffer.concat([Buffer.from('id,name,site,hire_date\nE1,'), Buffer.from([0xcd, 0xf5]), Buffer.from(',plant,2024-01-01\n')]);
    const error = problemsOf(() => directory.importEmployees(gbk, { fileName: 'gbk.csv' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/gbk\.csv is not UTF-8.*CSV UTF-8/);
    expect(directory.listEmployees()).toEqual([]);
  });

  it('refuses unknown, repeated and missing required columns before reading any row, even with acceptValid', () => {
    const { directory } = testDirectory();
    const csv = 'id,name,site,e-mail,name\nE1,张三,plant,zs@example.com,张三\n';
    const error = problemsOf(() => directory.importEmployees(csv, { fileName: 'bad-header.csv', acceptValid: true }));
    expect(error.problems.map((p) => [p.row, p.field])).toEqual([[0, 'e-mail'], [0, 'name'], [0, 'hire_date']]);
    expect(error.problems[0]!.message).toMatch(/header \(line 1\), e-mail: unknown column; the columns are id, name/);
    expect(directory.listEmployees()).toEqual([]);
  });

  it('leaves fields of absent columns as they are, and clears fields given as empty cells', () => {
    const { directory } = testDirectory();
    directory.importEmployees(readFileSync(FIXTURE), { fileName: 'employees.example.csv' });
    const result = directory.importEmployees('id,name,site,hire_date,phone\nE1002,李梅,shanghai-plant,2017-06-12,\n', { fileName: 'clear-phone.csv' });
    expect(result).toMatchObject({ updated: 1, created: 0 });
    const e = directory.getEmployee('E1002')!;
    expect(e.contacts.phone).toBeNull();
    expect(e.contacts.email).toBe('li.mei@example.com');
    expect(e.managerId).toBe('E1001');
    expect(e.terminalIds).toEqual({ 'shanghai-plant': '2' });
  });

  it('numbers rows as data rows and names the line, across quoted line breaks and blank lines', () => {
    const { directory } = testDirectory();
    const csv = [
      'id,name,site,hire_date,postal_address', // line 1
      'E1,张三,plant,2024-01-01,"上海市示例路 1 号', // line 2
      '3 楼"', // line 3
      '', // line 4
      'E2,李四,plant,2024-13-01,', // line 5: data row 2
      'E3,王五,plant', // line 6: data row 3, too few cells
    ].join('\n');
    const error = problemsOf(() => directory.importEmployees(csv, { fileName: 'lines.csv' }));
    expect(error.problems).toEqual([
      { row: 2, field: 'hire_date', message: 'row 2 (line 5), hire_date: "2024-13-01" is not a date (use YYYY-MM-DD)' },
      { row: 3, field: '(row)', message: expect.stringMatching(/^row 3 \(line 6\), \(row\): has 3 cells but the header has 5 columns/) },
    ]);
    expect(error.message).toMatch(/^lines\.csv: 2 problems in 2 rows \(rows count data rows: row 1 is line 2 of the file\); nothing was imported/);
    expect(directory.listEmployees()).toEqual([]);
  });
});
