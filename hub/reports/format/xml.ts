/**
 * Characters XML 1.0 forbids anywhere in a document: C0 controls other than tab, LF and CR,
 * U+FFFE/U+FFFF, and UTF-16 surrogates without their other half. A single one makes Excel refuse
 * the whole workbook ("We found a problem with some content"), so they are dropped.
 */
const FORBIDDEN = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` without the characters XML 1.0 forbids. */
export function stripForbiddenXml(text: string): string {
  return text.replace(FORBIDDEN, '');
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR would be read back as LF (XML end-of-line handling); a reference survives.
  '\r': '&#13;',
};

/**
 * Text made safe for XML content and attribute values: forbidden characters dropped, markup and
 * quotes escaped, CR kept as a character reference.
 */
export function escapeXml(text: string): string {
  return stripForbiddenXml(text).replace(/[&<>"'\r]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Spreadsheet string escaping (ECMA-376 ST_Xstring): Excel decodes `_xHHHH_` in cell text as the
 * character U+HHHH, so text that contains such a sequence literally has its `_` written as `_x005F_`.
 */
export function escapeSpreadsheetText(text: string): string {
  return escapeXml(text.replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1'));
}
