import { HubError } from '../../errors.js';
import { MAIN_NS, REL_NS, STYLE, XML_DECLARATION } from './parts.js';
import type { ReportColumn, ReportTable, ReportValue } from './table.js';
import { displayWidth, estimatedWidth } from './width.js';
import { cellOf, excelDateSerial, excelDateTimeSerial, FIRST_EXACT_SERIAL, parseDateTime, wallTimeText } from './values.js';
import { escapeSpreadsheetText } from './xml.js';

/** Excel's sheet limits; beyond them Excel truncates or refuses the file. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
const MAX_CELL_TEXT = 32_767;
/** Sheet XML is turned into bytes in pieces of about this many characters to bound peak memory. */
const CHUNK_CHARS = 1 << 20;

/**
 * The shared-strings part: every distinct text once, cells refer to it by index. This is how Excel
 * itself stores text, so every reader (Excel, WPS, LibreOffice, Numbers) supports it, and repeated
 * department names and statuses are stored once.
 */
export class SharedStrings {
  private readonly indexes = new Map<string, number>();
  private readonly texts: string[] = [];
  private references = 0;

  /** The index of `text`, adding it when new. */
  add(text: string): number {
    this.references++;
    let index = this.indexes.get(text);
    if (index === undefined) {
      index = this.texts.length;
      this.indexes.set(text, index);
      this.texts.push(text);
    }
    return index;
  }

  toXml(): Buffer {
    const items = this.texts.map((t) => `<si><t${/^\s|\s$/.test(t) ? ' xml:space="preserve"' : ''}>${escapeSpreadsheetText(t)}</t></si>`);
    return Buffer.from(
      `${XML_DECLARATION}<sst xmlns="${MAIN_NS}" count="${this.references}" uniqueCount="${this.texts.length}">${items.join('')}</sst>`,
      'utf8',
    );
  }
}

/**
 * `xl/worksheets/sheet1.xml` of a checked table: a bold header row frozen at the top, column widths,
 * numbers as numbers, dates and date-times as serial numbers with a date style (so HR can sort,
 * filter and subtract them), text through `strings`. Empty cells are left out.
 */
export function sheetXml(table: ReportTable, strings: SharedStrings): Buffer {
  const { columns, rows } = table;
  if (rows.length + 1 > MAX_ROWS) {
    throw new HubError('REPORT', `report "${table.title}" has ${rows.length} rows; an XLSX sheet holds ${MAX_ROWS - 1} under its header, use CSV instead`);
  }
  if (columns.length > MAX_COLUMNS) throw new HubError('REPORT', `report "${table.title}" has ${columns.length} columns; an XLSX sheet holds ${MAX_COLUMNS}`);
  const letters = columns.map((_, i) => columnLetters(i));
  const widest = columns.map((c) => displayWidth(c.title));
  const out = new ChunkedUtf8();

  const header = columns.map((c, i) => `<c r="${letters[i]}1" s="${STYLE.header}" t="s"><v>${strings.add(c.title)}</v></c>`);
  out.push(`<row r="1">${header.join('')}</row>`);
  // Plain index loops: this runs once per cell, 800,000 times for a large report.
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] ?? {};
    const r = index + 2;
    let cells = '';
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as ReportColumn;
      const cell = cellXml(column, cellOf(row, column.key), strings);
      if (cell === undefined) continue;
      if (cell.shown.length > MAX_CELL_TEXT) {
        throw new HubError('REPORT', `report "${table.title}", row ${index + 1}, column "${column.key}": ${cell.shown.length} characters; an XLSX cell holds ${MAX_CELL_TEXT}`);
      }
      cells += `<c r="${letters[i]}${r}"${cell.attributes}><v>${cell.value}</v></c>`;
      if (column.width === undefined) widest[i] = Math.max(widest[i] ?? 0, displayWidth(cell.shown));
    }
    out.push(`<row r="${r}">${cells}</row>`);
  }
  const body = out.finish();

  const last = `${letters[letters.length - 1] ?? 'A'}${rows.length + 1}`;
  const cols = columns.map((c, i) => {
    const width = c.width ?? estimatedWidth(widest[i] ?? 0);
    return `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`;
  });
  const head = Buffer.from(
    `${XML_DECLARATION}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><dimension ref="A1:${last}"/>` +
      '<sheetViews><sheetView tabSelected="1" workbookViewId="0">' +
      '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
      '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>' +
      `<sheetFormatPr defaultRowHeight="15"/><cols>${cols.join('')}</cols><sheetData>`,
    'utf8',
  );
  return Buffer.concat([head, body, Buffer.from('</sheetData></worksheet>', 'utf8')]);
}

/** A cell's attributes and `<v>` content, and the text it shows (for widths and limits). */
interface CellXml {
  attributes: string;
  value: string;
  shown: string;
}

function cellXml(column: ReportColumn, value: ReportValue, strings: SharedStrings): CellXml | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') {
    const text = String(value);
    return column.type === 'number' ? { attributes: '', value: text, shown: text } : textCell(text, strings);
  }
  if (column.type === 'date') {
    const serial = excelDateSerial(value);
    return serial < FIRST_EXACT_SERIAL ? textCell(value, strings) : { attributes: ` s="${STYLE.date}"`, value: String(serial), shown: value };
  }
  if (column.type === 'datetime') {
    const wall = parseDateTime(value);
    if (wall !== undefined && excelDateSerial(wall.date) >= FIRST_EXACT_SERIAL) {
      // Shown as `yyyy-mm-dd hh:mm:ss`: fractions of a second are kept in the value, not displayed.
      return { attributes: ` s="${STYLE.dateTime}"`, value: String(excelDateTimeSerial(wall)), shown: wallTimeText({ ...wall, fraction: '' }) };
    }
  }
  return textCell(value, strings);
}

function textCell(text: string, strings: SharedStrings): CellXml {
  return { attributes: ' t="s"', value: String(strings.add(text)), shown: text };
}

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Collects text and turns it into UTF-8 a megabyte at a time, so no single huge string is built. */
class ChunkedUtf8 {
  private readonly buffers: Buffer[] = [];
  private pending: string[] = [];
  private pendingChars = 0;

  push(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= CHUNK_CHARS) this.flush();
  }

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.buffers);
  }

  private flush(): void {
    this.buffers.push(Buffer.from(this.pending.join(''), 'utf8'));
    this.pending = [];
    this.pendingChars = 0;
  }
}
