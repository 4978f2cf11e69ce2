import { checkTable } from './check.js';
import { CONTENT_TYPES, ROOT_RELS, sheetName, STYLES, WORKBOOK_RELS, workbookXml } from './parts.js';
import { SharedStrings, sheetXml } from './sheet.js';
import type { ReportTable } from './table.js';
import { zip } from './zip.js';

/**
 * The table as an Office Open XML workbook of one sheet, named after the title, with a frozen bold
 * header, sized columns, numbers as numbers and dates as real dates. Written by hand (no
 * dependency); the same table always gives the same bytes. Throws HubError('REPORT') for a
 * malformed table or one beyond Excel's limits (1,048,575 rows, 32,767 characters a cell).
 */
export function toXlsx(table: ReportTable): Buffer {
  checkTable(table);
  const strings = new SharedStrings();
  const sheet = sheetXml(table, strings);
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES, 'utf8') },
    { name: '_rels/.rels', data: Buffer.from(ROOT_RELS, 'utf8') },
    { name: 'xl/workbook.xml', data: Buffer.from(workbookXml(sheetName(table.title)), 'utf8') },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(WORKBOOK_RELS, 'utf8') },
    { name: 'xl/styles.xml', data: Buffer.from(STYLES, 'utf8') },
    { name: 'xl/sharedStrings.xml', data: strings.toXml() },
    { name: 'xl/worksheets/sheet1.xml', data: sheet },
  ]);
}
