import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../../hub/reports/format/csv.js';
import { toJson } from '../../../../hub/reports/format/json.js';
import type { ReportFormat, ReportTable } from '../../../../hub/reports/format/table.js';
import { writeReport } from '../../../../hub/reports/format/write-report.js';
import { toXlsx } from '../../../../hub/reports/format/xlsx.js';
import { hubErrorOf } from '../../hub-error.js';

const table: ReportTable = {
  title: '缺勤汇总',
  columns: [
    { key: 'dept', title: '部门', type: 'string', width: 20 },
    { key: 'day', title: '日期', type: 'date' },
    { key: 'at', title: '时间', type: 'datetime' },
    { key: 'absent', title: '缺勤人数', type: 'number' },
  ],
  rows: [
    { dept: '生产部', day: '2026-03-02', at: '2026-03-02T08:30:00+08:00', absent: 3 },
    { dept: '=cmd', day: null, absent: -1 },
  ],
};

describe('toJson', () => {
  it('writes {title, columns, rows} with numbers as numbers, values as given and null for empty cells, one row a line', () => {
    const json = toJson(table);
    expect(JSON.parse(json)).toEqual({
      title: '缺勤汇总',
      columns: [
        { key: 'dept', title: '部门', type: 'string', width: 20 },
        { key: 'day', title: '日期', type: 'date' },
        { key: 'at', title: '时间', type: 'datetime' },
        { key: 'absent', title: '缺勤人数', type: 'number' },
      ],
      rows: [
        { dept: '生产部', day: '2026-03-02', at: '2026-03-02T08:30:00+08:00', absent: 3 },
        { dept: '=cmd', day: null, at: null, absent: -1 },
      ],
    });
    expect(json.split('\n')).toContain('    {"dept":"=cmd","day":null,"at":null,"absent":-1}');
    expect(JSON.parse(toJson({ ...table, rows: [] })).rows).toEqual([]);
  });

  it('keeps keys that are special to JavaScript objects as plain keys', () => {
    const odd: ReportTable = { title: 't', columns: [{ key: '__proto__', title: 'p', type: 'number' }], rows: [JSON.parse('{"__proto__": 5}') as Record<string, number>] };
    expect(toJson(odd)).toContain('{"__proto__":5}');
  });
});

describe('writeReport', () => {
  it.each<[ReportFormat, string, (t: ReportTable) => Buffer]>([
    ['csv', 'text/csv; charset=utf-8', (t) => Buffer.from(toCsv(t), 'utf8')],
    ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', toXlsx],
    ['json', 'application/json; charset=utf-8', (t) => Buffer.from(toJson(t), 'utf8')],
  ])('writes %s with its content type and extension', (format, contentType, write) => {
    const written = writeReport(table, format);
    expect(written.contentType).toBe(contentType);
    expect(written.extension).toBe(format);
    expect(written.body.equals(write(table))).toBe(true);
  });

  it('refuses an unknown format', () => {
    const error = hubErrorOf(() => writeReport(table, 'pdf' as ReportFormat));
    expect(error.code).toBe('REPORT');
    expect(error.message).toMatch(/"pdf".*csv, xlsx or json/);
  });
});

describe('table checks (every format)', () => {
  const columns = table.columns;

  it.each(['csv', 'xlsx', 'json'] as const)('%s: lists each cell that does not fit its column, by row and column', (format) => {
    const bad: ReportTable = {
      title: '缺勤汇总',
      columns,
      rows: [
        { dept: '生产部', day: '2026-03-02', absent: 1 },
        { dept: '生产部', day: '2026-02-30', at: '2026-03-02 08:30', absent: '3' },
        { dept: null, absent: Number.NaN, depts: 'typo' },
        { dept: '质检部', day: '02/03/2026', at: '2026-03-02T08:30:00', absent: Number.POSITIVE_INFINITY },
      ],
    };
    const error = hubErrorOf(() => writeReport(bad, format));
    expect(error.code).toBe('REPORT');
    expect(error.message).toMatch(/^report "缺勤汇总" has 8 cell\(s\) that do not fit their column; first: row 2, column "day": "2026-02-30" is not a date/);
    expect(error.problems.map((p) => [p.row, p.field])).toEqual([
      [2, 'day'], [2, 'at'], [2, 'absent'],
      [3, 'depts'], [3, 'absent'],
      [4, 'day'], [4, 'at'], [4, 'absent'],
    ]);
  });

  it('accepts numbers in text columns and every empty form', () => {
    const ok: ReportTable = { title: 't', columns, rows: [{ dept: 12 }, { dept: null, day: undefined }, {}] };
    expect(toCsv(ok, { bom: false })).toBe('部门,日期,时间,缺勤人数\r\n12,,,\r\n,,,\r\n,,,\r\n');
  });

  it('lists at most 20 problems but counts them all', () => {
    const rows = Array.from({ length: 50 }, () => ({ absent: 'x' }));
    const error = hubErrorOf(() => toJson({ title: 't', columns, rows }));
    expect(error.problems).toHaveLength(20);
    expect(error.message).toContain('has 50 cell(s)');
  });

  it.each<[string, ReportTable['columns'], RegExp]>([
    ['no columns', [], /has no columns/],
    ['a repeated key', [{ key: 'a', title: 'A', type: 'string' }, { key: 'a', title: 'B', type: 'number' }], /column 2 \("a"\) repeats the key/],
    ['an empty key', [{ key: '', title: 'A', type: 'string' }], /column 1 \(""\) has no key/],
    ['an unknown type', [{ key: 'a', title: 'A', type: 'money' as 'number' }], /type "money"; use string, number, date or datetime/],
    ['a width out of range', [{ key: 'a', title: 'A', type: 'string', width: 300 }], /width 300; use a number of characters from 1 to 255/],
  ])('refuses a table with %s', (_, badColumns, message) => {
    const error = hubErrorOf(() => toCsv({ title: 't', columns: badColumns, rows: [] }));
    expect(error.code).toBe('REPORT');
    expect(error.message).toMatch(message);
  });
});
