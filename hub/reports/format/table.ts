/**
 * The one shape every report hands to the writers: a title, typed columns and rows keyed by column.
 * The writers check it first (see `check.ts`), so a report query that drifts from its columns fails
 * loudly instead of shipping blank or shifted cells to HR.
 */

export type ReportColumnType = 'string' | 'number' | 'date' | 'datetime';

export interface ReportColumn {
  /** The row property holding this column's value; unique within the table. */
  key: string;
  /** The header HR reads (any language). */
  title: string;
  /**
   * `date` values are local dates `YYYY-MM-DD`; `datetime` values are ISO 8601 with an offset
   * (`2026-03-02T08:30:00+08:00`), shown as the wall time written, never converted to another zone.
   */
  type: ReportColumnType;
  /** XLSX column width in characters (1..255); estimated from the content when absent. */
  width?: number;
}

export type ReportValue = string | number | null | undefined;

export interface ReportTable {
  title: string;
  columns: ReportColumn[];
  /** Missing, `null` and `undefined` values are empty cells. */
  rows: Array<Record<string, ReportValue>>;
}

export type ReportFormat = 'csv' | 'xlsx' | 'json';
