import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../../hub/reports/format/csv.js';
import type { ReportTable } from '../../../../hub/reports/format/table.js';

const absences: ReportTable = {
  title: '缺勤明细',
  columns: [
    { key: 'no', title: '工号', type: 'string' },
    { key: 'name', title: '姓名', type: 'string' },
    { key: 'dept', title: '部门', type: 'string' },
    { key: 'day', title: '日期', type: 'date' },
    { key: 'firstPunch', title: '首次打卡', type: 'datetime' },
    { key: 'days', title: '缺勤天数', type: 'number' },
  ],
  rows: [
    { no: '00123', name: '张三', dept: '生产部', day: '2026-03-02', firstPunch: '2026-03-02T08:30:15+08:00', days: 3 },
    { no: '00124', name: '李四', dept: '质检部, 二车间', day: '2026-03-03', firstPunch: null, days: 0.5 },
  ],
};

/** Parsed back by csv-parse, an independent RFC 4180 reader. */
function records(csv: string): string[][] {
  return parse(csv, { bom: true, relax_column_count: false }) as string[][];
}

describe('toCsv', () => {
  it('writes a BOM, a header of titles and CRLF after every record, Chinese text as UTF-8', () => {
    const csv = toCsv(absences);
    expect(csv).toBe(
      '\uFEFF工号,姓名,部门,日期,首次打卡,缺勤天数\r\n' +
        '00123,张三,生产部,2026-03-02,2026-03-02 08:30:15,3\r\n' +
        '00124,李四,"质检部, 二车间",2026-03-03,,0.5\r\n',
    );
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3, 9).toString('utf8')).toBe('工号');
  });

  it('leaves the BOM out when asked', () => {
    const csv = toCsv(absences, { bom: false });
    expect(csv.startsWith('工号,')).toBe(true);
    expect(csv.includes('\uFEFF')).toBe(false);
  });

  it('quotes exactly the fields holding a quote, comma, CR or LF, and doubles inner quotes', () => {
    const table: ReportTable = {
      title: 't',
      columns: [{ key: 'v', title: 'v', type: 'string' }],
      rows: [{ v: 'plain' }, { v: 'say "hi"' }, { v: 'a,b' }, { v: 'line1\nline2' }, { v: 'cr\rhere' }, { v: 'crlf\r\nx' }, { v: ' spaced ' }, { v: "it's" }],
    };
    const lines = toCsv(table, { bom: false });
    expect(lines).toBe('v\r\nplain\r\n"say ""hi"""\r\n"a,b"\r\n"line1\nline2"\r\n"cr\rhere"\r\n"crlf\r\nx"\r\n spaced \r\nit\'s\r\n');
    expect(records(lines).map((r) => r[0])).toEqual(['v', 'plain', 'say "hi"', 'a,b', 'line1\nline2', 'cr\rhere', 'crlf\r\nx', ' spaced ', "it's"]);
  });

  it('puts a quote before text a spreadsheet would run as a formula, in cells and titles', () => {
    const table: ReportTable = {
      title: 't',
      columns: [
        { key: 'v', title: '=HYPERLINK("http://x")', type: 'string' },
        { key: 'n', title: 'n', type: 'number' },
      ],
      rows: [
        { v: '=1+1', n: -3 },
        { v: '+86 138', n: -0.25 },
        { v: '-2', n: 1e21 },
        { v: '@SUM(A1)', n: 0 },
        { v: '\tx', n: null },
        { v: '\rx' },
        { v: '\0x' },
        { v: 'a=b' },
        { v: -7 },
      ],
    };
    const got = records(toCsv(table));
    expect(got).toEqual([
      ['\'=HYPERLINK("http://x")', 'n'],
      ["'=1+1", '-3'],
      ["'+86 138", '-0.25'],
      ["'-2", '1e+21'],
      ["'@SUM(A1)", '0'],
      ["'\tx", ''],
      ["'\rx", ''],
      ["'\0x", ''],
      ['a=b', ''],
      ['-7', ''],
    ]);
  });

  it('writes date-times as the wall time written, whatever the offset, and keeps fractions of a second', () => {
    const table: ReportTable = {
      title: 't',
      columns: [{ key: 'at', title: 'at', type: 'datetime' }],
      rows: [{ at: '2026-03-02T23:30:00-05:00' }, { at: '2026-03-02T00:05:00Z' }, { at: '2026-03-02T07:00+08:00' }, { at: '2026-03-02T07:00:01.250+08:00' }],
    };
    expect(records(toCsv(table)).slice(1).flat()).toEqual(['2026-03-02 23:30:00', '2026-03-02 00:05:00', '2026-03-02 07:00:00', '2026-03-02 07:00:01.250']);
  });

  it('writes only the header for a table without rows, and empty fields for missing values', () => {
    expect(toCsv({ ...absences, rows: [] }, { bom: false })).toBe('工号,姓名,部门,日期,首次打卡,缺勤天数\r\n');
    expect(toCsv({ ...absences, rows: [{}] }, { bom: false }).split('\r\n')[1]).toBe(',,,,,');
  });

  it('round-trips any text through an independent CSV parser (with the formula guard applied)', () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('"', ',', '\r', '\n', '=', '-', ' ', 'a', '张') }));
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { maxLength: 20 }), (pairs) => {
        const table: ReportTable = {
          title: 't',
          columns: [
            { key: 'a', title: 'a', type: 'string' },
            { key: 'b', title: 'b', type: 'string' },
          ],
          rows: pairs.map(([a, b]) => ({ a, b })),
        };
        const guard = (s: string): string => (/^[=+\-@\t\r\0]/.test(s) ? `'${s}` : s);
        expect(records(toCsv(table)).slice(1)).toEqual(pairs.map(([a, b]) => [guard(a), guard(b)]));
      }),
    );
  });
});
