import type { Logger } from 'pino';
import type { HubDatabase } from '../db/database.js';
import { HubError, type InputProblem } from '../errors.js';
import type { LocalDate } from '../time/local-date.js';
import { crossRowProblems, type FileRow } from './checks.js';
import { csvRowToEntry, validateEntry } from './entry.js';
import { EMPLOYEE_COLUMNS, REQUIRED_COLUMNS } from './fields.js';
import { API_BODY, formatOf, problemSummary, readCsv, readYamlList, type RowRef } from './input-file.js';
import { DirectoryReader, type EmployeeFilter } from './reader.js';
import type { ChangeSource, Employee, EmployeeSummary, HistoryEntry, ImportOptions, ImportResult } from './types.js';
import { EmployeeWriter, type ApplyOutcome } from './writer.js';

export type { EmployeeFilter } from './reader.js';

export interface DirectoryOptions {
  db: HubDatabase;
  logger: Logger;
  /** Clock for history timestamps (default `Date.now`). */
  now?: () => number;
}

/** Above this many rows, the checks read the directory in two scans instead of a query per row. */
const SNAPSHOT_ROWS = 2000;

interface SourceEntry {
  ref: RowRef;
  value: unknown;
}

/**
 * The hub's employee directory: who works where, who their manager is, how to reach them, and
 * which terminal user id is whom. Changes come from import files and the API; each one is checked
 * against the whole file and the database before anything is written, and recorded in history.
 */
export class Directory {
  private readonly db: HubDatabase;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly reader: DirectoryReader;
  private readonly writer: EmployeeWriter;

  constructor(options: DirectoryOptions) {
    this.db = options.db;
    this.logger = options.logger.child({ component: 'directory' });
    this.now = options.now ?? Date.now;
    this.reader = new DirectoryReader(options.db);
    this.writer = new EmployeeWriter(options.db);
  }

  /**
   * Imports employees from CSV or YAML (format from the file name unless given). Atomic unless
   * `acceptValid`: any problem throws HubError('INVALID_INPUT') with every problem of every row.
   * A header problem (unknown, repeated or missing column) always throws: a misnamed column would
   * otherwise drop its values from every row.
   */
  importEmployees(content: string | Uint8Array, options: ImportOptions): ImportResult {
    const format = formatOf(options.fileName, options.format);
    const acceptValid = options.acceptValid ?? false;
    let entries: SourceEntry[];
    let readProblems: InputProblem[] = [];
    if (format === 'csv') {
      const csv = readCsv(content, options.fileName, { columns: EMPLOYEE_COLUMNS, required: REQUIRED_COLUMNS });
      const header = csv.problems.filter((p) => p.row === 0);
      if (header.length > 0) throw new HubError('INVALID_INPUT', problemSummary(options.fileName, format, header), { problems: header });
      entries = csv.rows.map((r) => ({ ref: r, value: csvRowToEntry(r.cells) }));
      readProblems = csv.problems;
    } else {
      entries = readYamlList(content, options.fileName).map((e) => ({ ref: e, value: e.value }));
    }
    const result = this.run(entries, { kind: 'import', name: options.fileName }, acceptValid, readProblems);
    if (result.problems.length > 0 && !acceptValid) {
      throw new HubError('INVALID_INPUT', problemSummary(options.fileName, format, result.problems), { problems: result.problems });
    }
    return result;
  }

  /** Creates or updates one employee from an API body (the YAML entry shape), recorded as `user`'s change. */
  saveEmployee(body: unknown, user: string): ApplyOutcome {
    const result = this.run([{ ref: API_BODY, value: body }], { kind: 'api', name: user }, false, []);
    if (result.problems.length > 0) {
      throw new HubError('INVALID_INPUT', `the employee is not valid: ${result.problems.map((p) => p.message).join('; ')}`, { problems: result.problems });
    }
    return result.created > 0 ? 'created' : result.updated > 0 ? 'updated' : 'unchanged';
  }

  getEmployee(id: string): Employee | undefined {
    return this.reader.getEmployee(id);
  }

  /** A counter that moves with every change to the directory (by triggers, from any process): what a cache of employees checks. */
  revision(): number {
    return this.reader.revision();
  }

  /** Core fields of every employee matching the filter, by id, in one query. */
  listEmployees(filter: EmployeeFilter = {}): EmployeeSummary[] {
    return this.reader.listEmployees(filter);
  }

  /** Every recorded change of an employee, oldest first; throws HubError('NOT_FOUND') for an unknown id. */
  history(id: string): HistoryEntry[] {
    if (!this.reader.exists(id)) throw new HubError('NOT_FOUND', `no employee ${id} in the directory`);
    return this.reader.history(id);
  }

  /** See DirectoryReader.resolveTerminalUser: pass the punch's local date when it is known. */
  resolveTerminalUser(site: string, userId: string, on?: LocalDate): string | undefined {
    return this.reader.resolveTerminalUser(site, userId, on);
  }

  /** Validates every entry, then writes the valid ones in one transaction (none if any fails, unless acceptValid). */
  private run(entries: readonly SourceEntry[], source: ChangeSource, acceptValid: boolean, earlier: readonly InputProblem[]): ImportResult {
    const problems: InputProblem[] = [...earlier];
    const rows: FileRow[] = entries.map(({ ref, value }) => {
      const checked = validateEntry(value, ref);
      problems.push(...checked.problems);
      return { ref, rawId: rawIdOf(value), change: checked.change, valid: checked.valid };
    });
    const counts: ImportResult = { created: 0, updated: 0, unchanged: 0, problems };
    const nowMs = this.now();
    try {
      // Checked and written under one write lock, so another hub process cannot change the
      // directory between the checks and the writes.
      this.db.transaction(() => {
        const state = rows.length > SNAPSHOT_ROWS ? this.reader.snapshot() : this.reader;
        for (const list of crossRowProblems(rows, state).values()) problems.push(...list);
        problems.sort((a, b) => a.row - b.row);
        if (problems.length > 0 && !acceptValid) return;
        const failed = new Set(problems.map((p) => p.row));
        for (const row of rows) {
          if (row.valid && row.change !== undefined && !failed.has(row.ref.row)) counts[this.writer.apply(row.change, source, nowMs)]++;
        }
      }).immediate();
    } catch (err) {
      throw new HubError('STORE', `cannot write the directory changes from ${source.kind} ${source.name}: ${(err as Error).message}`, { cause: err });
    }
    if (problems.length === 0 || acceptValid) {
      const skipped = new Set(problems.map((p) => p.row)).size;
      this.logger.info({ source: source.name, created: counts.created, updated: counts.updated, unchanged: counts.unchanged, skipped }, 'directory changes applied');
    }
    return counts;
  }
}

function rawIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}
