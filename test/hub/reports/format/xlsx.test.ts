import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HubError } from '../../../../hub/errors.js';
import type { ReportTable } from '../../../../hub/reports/format/table.js';
import { toXlsx } from '../../../../hub/reports/format/xlsx.js';
import { readWithPython, unzipTest, type PyCell } from './external.js';

const text = (value: string): PyCell => ({ type: 'text', value });
const number = (value: number): PyCell => ({ type: 'number', value });
const date = (value: string): PyCell => ({ type: 'date', value });
const datetime = (value: string): PyCell => ({ type: 'datetime', value });

const absences: ReportTable = {
  title: '缺勤明细 2026/03',
  columns: [
    { key: 'no', title: '工号', type: 'string' },
    { key: 'name', title: '姓名', type: 'string' },
    { key: 'dept', title: '部门', type: 'string' },
    { key: 'day', title: '日期', type: 'date' },
    { key: 'firstPunch', title: '首次打卡', type: 'datetime' },
    { key: 'days', title: '缺勤天数', type: 'number' },
    { key: 'rate', title: '出勤率', type: 'number' },
    { key: 'note', title: '备注', type: 'string' },
  ],
  rows: [
    { no: '00123', name: '张三', dept: '生产部', day: '2026-03-02', firstPunch: '2026-03-02T08:30:15+08:00', days: 3, rate: 0.875, note: '=1+1' },
    { no: '00124', name: '李四', dept: '质检部', day: '2026-02-28', firstPunch: '2026-02-28T23:59:59-05:00', days: -1.5, rate: 1e21, note: null },
    { no: 7, name: 'O\'Brien & <Co>', dept: '"R&D"', day: '2026-12-31', firstPunch: '2026-12-31T00:00:00.250Z', days: 0 },
  ],
};

const header = (table: ReportTable): PyCell[] => table.columns.map((c) => text(c.title));

describe('toXlsx', () => {
  it('writes an archive unzip -t accepts, with every part of the workbook', () => {
    const out = unzipTest(toXlsx(absences));
    for (const part of ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml']) {
      expect(out).toContain(`testing: ${part}`);
    }
    expect(out).toContain('No errors detected');
  });

  it('reads back in Python with the same header, values and types, a bold frozen header and the sheet named after the title', () => {
    const book = readWithPython(toXlsx(absences));
    expect(book.sheet).toBe('缺勤明细 2026-03');
    expect(book.frozenRows).toBe(1);
    expect(book.boldHeader).toBe(true);
    expect(book.rows).toEqual([
      header(absences),
      [text('00123'), text('张三'), text('生产部'), date('2026-03-02'), datetime('2026-03-02T08:30:15'), number(3), number(0.875), text('=1+1')],
      [text('00124'), text('李四'), text('质检部'), date('2026-02-28'), datetime('2026-02-28T23:59:59'), number(-1.5), number(1e21), null],
      [text('7'), text("O'Brien & <Co>"), text('"R&D"'), date('2026-12-31'), datetime('2026-12-31T00:00:00.250'), number(0), null, null],
    ]);
  });

  it('gives the same bytes for the same table', () => {
    expect(toXlsx(absences).equals(toXlsx(absences))).toBe(true);
  });

  it('writes the header alone for a table without rows', () => {
    const bytes = toXlsx({ ...absences, rows: [] });
    expect(unzipTest(bytes)).toContain('No errors detected');
    const book = readWithPython(bytes);
    expect(book.rows).toEqual([header(absences)]);
    expect(book.frozenRows).toBe(1);
    expect(book.widths).toHaveLength(8);
  });

  it('writes a table of one row and one column', () => {
    const table: ReportTable = { title: 'one', columns: [{ key: 'n', title: '人数', type: 'number' }], rows: [{ n: 42 }] };
    expect(readWithPython(toXlsx(table)).rows).toEqual([[text('人数')], [number(42)]]);
  });

  it('drops characters XML forbids and keeps every other character, markup and Excel escape look-alikes included', () => {
    const table: ReportTable = {
      title: 'chars',
      columns: [{ key: 'v', title: 'v\u0000\u0007', type: 'string' }],
      rows: [
        { v: 'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg' },
        { v: 'lone \uD800 high, lone \uDC00 low, pair 😀 kept' },
        { v: 'reserved \uFFFE\uFFFF end' },
        { v: 'tab\there\nline\r\nwindows\rcr' },
        { v: `& < > " ' ]]> <![CDATA[x]]>` },
        { v: '_x0041_ stays literal, _x005F_ too' },
        { v: '  padded  ' },
        { v: '\u0001\u0002' },
      ],
    };
    const bytes = toXlsx(table);
    expect(unzipTest(bytes)).toContain('No errors detected');
    expect(readWithPython(bytes).rows).toEqual([
      [text('v')],
      [text('abcdefg')],
      [text('lone  high, lone  low, pair 😀 kept')],
      [text('reserved  end')],
      [text('tab\there\nline\r\nwindows\rcr')],
      [text(`& < > " ' ]]> <![CDATA[x]]>`)],
      [text('_x0041_ stays literal, _x005F_ too')],
      [text('  padded  ')],
      [text('')],
    ]);
  });

  it('reads back any Unicode text unchanged', () => {
    const samples = fc.sample(fc.string({ unit: 'grapheme', maxLength: 30 }), { numRuns: 300, seed: 20260302 }).filter((s) => s !== '');
    const table: ReportTable = { title: 'fuzz', columns: [{ key: 'v', title: 'v', type: 'string' }], rows: samples.map((v) => ({ v })) };
    const got = readWithPython(toXlsx(table)).rows.slice(1).map((row) => row[0]?.value);
    expect(got).toEqual(samples);
  });

  it('makes a sheet name Excel accepts from a long title with forbidden characters', () => {
    const name = (title: string): string => readWithPython(toXlsx({ ...absences, title, rows: [] })).sheet;
    expect(name('2026年3月 生产部/质检部 [草稿] 缺勤天数统计: 第一周*?\\')).toBe('2026年3月 生产部-质检部 (草稿) 缺勤天数统计- 第一');
    expect(name('x'.repeat(40))).toBe('x'.repeat(31));
    expect(name(`${'x'.repeat(30)}😀`)).toBe('x'.repeat(30));
    expect(name("'quoted'")).toBe('quoted');
    expect(name(' [] ')).toBe('()');
    expect(name('*?')).toBe('Sheet1');
    expect(name('history')).toBe('history-1');
    expect(name('A&B <"x">')).toBe('A&B <"x">');
  });

  it('sizes columns from content with CJK characters counted double, within limits, unless a width is given', () => {
    const table: ReportTable = {
      title: 'widths',
      columns: [
        { key: 'cjk', title: 'a', type: 'string' },
        { key: 'latin', title: 'b', type: 'string' },
        { key: 'fullwidth', title: 'c', type: 'string' },
        { key: 'long', title: 'd', type: 'string' },
        { key: 'given', title: 'e', type: 'string', width: 33.5 },
        { key: 'title', title: '首次打卡时间', type: 'number' },
        { key: 'day', title: 'f', type: 'date' },
        { key: 'lines', title: 'g', type: 'string' },
      ],
      rows: [{ cjk: '欧阳娜娜娜', latin: 'abcde', fullwidth: 'ＡＢＣ', long: 'x'.repeat(500), given: 'y', title: 1, day: '2026-03-02', lines: '短\n很长的一行文字' }],
    };
    expect(readWithPython(toXlsx(table)).widths).toEqual([12, 7, 8, 60, 33.5, 14, 12, 16]);
  });

  it('writes dates before 1900-03-01 as text, where Excel serial numbers are off by a day', () => {
    const table: ReportTable = {
      title: 'old',
      columns: [
        { key: 'd', title: 'd', type: 'date' },
        { key: 't', title: 't', type: 'datetime' },
      ],
      rows: [{ d: '1900-02-28', t: '1900-02-28T10:00:00+08:00' }, { d: '1900-03-01', t: '1900-03-01T10:00:00+08:00' }],
    };
    expect(readWithPython(toXlsx(table)).rows.slice(1)).toEqual([
      [text('1900-02-28'), text('1900-02-28T10:00:00+08:00')],
      [date('1900-03-01'), datetime('1900-03-01T10:00:00')],
    ]);
  });

  it('keeps the rows of a larger report in order (the sheet is built in pieces)', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ name: `员工${i}`, n: i, day: '2026-03-02' }));
    const table: ReportTable = {
      title: 'big',
      columns: [
        { key: 'name', title: '姓名', type: 'string' },
        { key: 'n', title: 'n', type: 'number' },
        { key: 'day', title: '日期', type: 'date' },
      ],
      rows,
    };
    const got = readWithPython(toXlsx(table)).rows;
    expect(got).toHaveLength(20_001);
    expect(got.slice(1).every((row, i) => row[0]?.value === `员工${i}` && row[1]?.value === i && row[2]?.value === '2026-03-02')).toBe(true);
  });

  it('refuses a cell longer than Excel holds and more rows than a sheet holds, naming where', () => {
    const long: ReportTable = { title: 'long', columns: [{ key: 'v', title: 'v', type: 'string' }], rows: [{ v: 'ok' }, { v: 'x'.repeat(32_768) }] };
    expect(() => toXlsx(long)).toThrow(/row 2, column "v": 32768 characters/);
    const many: ReportTable = { title: 'many', columns: [{ key: 'v', title: 'v', type: 'number' }], rows: Array.from({ length: 1_048_576 }, () => ({})) };
    try {
      toXlsx(many);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe('REPORT');
      expect((error as HubError).message).toMatch(/1048576 rows.*use CSV/);
    }
  });
});
