import { escapeXml, stripForbiddenXml } from './xml.js';

/**
 * The fixed parts of a one-sheet workbook (ECMA-376 Part 1, SpreadsheetML). Only what Excel, WPS
 * and LibreOffice need to open it without a repair prompt: no themes, no document properties.
 */

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
export const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const SHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

export const CONTENT_TYPES =
  `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  `<Override PartName="/xl/workbook.xml" ContentType="${SHEET_TYPE}.sheet.main+xml"/>` +
  `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="${SHEET_TYPE}.worksheet+xml"/>` +
  `<Override PartName="/xl/styles.xml" ContentType="${SHEET_TYPE}.styles+xml"/>` +
  `<Override PartName="/xl/sharedStrings.xml" ContentType="${SHEET_TYPE}.sharedStrings+xml"/>` +
  '</Types>';

export const ROOT_RELS =
  `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_REL_NS}">` +
  `<Relationship Id="rId1" Type="${DOC_REL}/officeDocument" Target="xl/workbook.xml"/>` +
  '</Relationships>';

export const WORKBOOK_RELS =
  `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_REL_NS}">` +
  `<Relationship Id="rId1" Type="${DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
  `<Relationship Id="rId2" Type="${DOC_REL}/styles" Target="styles.xml"/>` +
  `<Relationship Id="rId3" Type="${DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>` +
  '</Relationships>';

/** Custom number formats start at 164; ISO order reads the same in every locale. */
const DATE_FORMAT = 164;
const DATE_TIME_FORMAT = 165;
const xf = (numFmtId: number, fontId: number, apply: string): string =>
  `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="0" borderId="0" xfId="0"${apply}/>`;

/** Indexes into `cellXfs` below, written as the `s` attribute of cells; 0 is the default. */
export const STYLE = { header: 1, date: 2, dateTime: 3 } as const;
const cellXfs = [
  xf(0, 0, ''),
  xf(0, 1, ' applyFont="1"'), // STYLE.header: bold
  xf(DATE_FORMAT, 0, ' applyNumberFormat="1"'), // STYLE.date
  xf(DATE_TIME_FORMAT, 0, ' applyNumberFormat="1"'), // STYLE.dateTime
];

/** Two fonts (regular, bold), the two fills Excel requires, one empty border, and the four cell formats. */
export const STYLES =
  `${XML_DECLARATION}<styleSheet xmlns="${MAIN_NS}">` +
  `<numFmts count="2"><numFmt numFmtId="${DATE_FORMAT}" formatCode="yyyy-mm-dd"/><numFmt numFmtId="${DATE_TIME_FORMAT}" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>` +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  `<cellXfs count="${cellXfs.length}">${cellXfs.join('')}</cellXfs>` +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

export function workbookXml(sheetName: string): string {
  return (
    `${XML_DECLARATION}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    `<bookViews><workbookView/></bookViews><sheets><sheet name="${escapeXml(sheetName)}" sheetId="1" r:id="rId1"/></sheets>` +
    '</workbook>'
  );
}

const MAX_SHEET_NAME = 31;
/** Characters Excel refuses in sheet names, and what stands in for each. */
const SHEET_NAME_REPLACEMENTS: Readonly<Record<string, string>> = { '/': '-', '\\': '-', ':': '-', '[': '(', ']': ')', '*': '', '?': '' };

/**
 * A sheet name Excel accepts, from a report title: no `[]:*?/\` (slashes and colons of dates become
 * `-`), no control characters, no leading or trailing `'`, at most 31 UTF-16 units (never cutting a
 * surrogate pair), not the reserved `History`; `Sheet1` when nothing is left.
 */
export function sheetName(title: string): string {
  const cleaned = stripForbiddenXml(title)
    .replace(/[\0-\x1f\x7f]/g, ' ')
    .replace(/[/\\:[\]*?]/g, (c) => SHEET_NAME_REPLACEMENTS[c] ?? '');
  let name = tidy(cleaned);
  if (name.length > MAX_SHEET_NAME) {
    const cut = /[\uD800-\uDBFF]/.test(name.charAt(MAX_SHEET_NAME - 1)) ? MAX_SHEET_NAME - 1 : MAX_SHEET_NAME;
    name = tidy(name.slice(0, cut));
  }
  if (name === '') return 'Sheet1';
  return name.toLowerCase() === 'history' ? `${name}-1` : name;
}

/** Trims spaces and the apostrophes Excel forbids at either end. */
function tidy(name: string): string {
  return name.replace(/^[\s']+|[\s']+$/g, '');
}
