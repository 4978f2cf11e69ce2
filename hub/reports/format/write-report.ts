import { HubError } from '../../errors.js';
import { toCsv } from './csv.js';
import { toJson } from './json.js';
import type { ReportFormat, ReportTable } from './table.js';
import { toXlsx } from './xlsx.js';

/** A report ready to send: bytes, the HTTP `Content-Type`, and the file extension (no dot). */
export interface WrittenReport {
  body: Buffer;
  contentType: string;
  extension: ReportFormat;
}

const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

/** Writes a table in one of the formats; throws HubError('REPORT') for an unknown format or a malformed table. */
export function writeReport(table: ReportTable, format: ReportFormat): WrittenReport {
  switch (format) {
    case 'csv':
      return { body: Buffer.from(toCsv(table), 'utf8'), contentType: CONTENT_TYPES.csv, extension: 'csv' };
    case 'xlsx':
      return { body: toXlsx(table), contentType: CONTENT_TYPES.xlsx, extension: 'xlsx' };
    case 'json':
      return { body: Buffer.from(toJson(table), 'utf8'), contentType: CONTENT_TYPES.json, extension: 'json' };
    default:
      throw new HubError('REPORT', `unknown report format "${String(format)}"; use csv, xlsx or json`);
  }
}
