import type { Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { HubDatabase } from '../db/database.js';
import { API_BODY, formatOf, problemSummary, readCsv, readYamlList, rowProblem, type RowRef } from '../directory/input-file.js';
import type { ChangeSource, ImportOptions, ImportResult } from '../directory/types.js';
import { HubError, type InputProblem } from '../errors.js';
import type { LeaveInterval } from '../model/leave.js';
import { addDays, type LocalDate } from '../time/local-date.js';
import { csvRowToLeave, LEAVE_COLUMNS, leaveFieldName, REQUIRED_LEAVE_COLUMNS, validateLeave, type LeaveDraft } from './entry.js';
import { LeaveQueries, type LeaveRow } from './queries.js';
import type { IntervalQuery, LeaveChange, LeaveFilter, LeaveListener, LeaveRecord, NewLeave } from './types.js';

export interface LeaveStoreOptions {
  db: HubDatabase;
  logger: Logger;
  /** Clock for recording and cancelling (default `Date.now`). */
  now?: () => number;
}

type Outcome = 'created' | 'updated' | 'unchanged';

/**
 * Approved leave. Approval can arrive after the days it covers, so every change is recorded in
 * `leave_changes` in the transaction that makes it and announced to `onChange` listeners with the
 * local dates it affects: detection re-judges them and marks the change judged. Changes no one
 * marked (a listener failed, the process stopped, another process made them) stay pending.
 *
 * The same approval (employee, kind, period, approval time) imported again is one record: its
 * reason and approver are updated if they differ, and a cancelled one stays cancelled (the file
 * predates the cancellation). Different approvals may overlap; each is kept.
 */
export class LeaveStore {
  private readonly db: HubDatabase;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly queries: LeaveQueries;
  private readonly listeners = new Set<LeaveListener>();
  private readonly employeeExists: Statement<[string], { id: string }>;
  private readonly findSame: Statement<unknown[], LeaveRow>;
  private readonly insert: Statement<unknown[]>;
  private readonly updateApproval: Statement<[string | null, string, number]>;
  private readonly cancel: Statement<[string, number, number]>;
  private readonly recordChange: Statement<[number, string, string, string, number]>;
  private readonly pending: Statement<[number], { id: number; employee_id: string; from_date: string; to_date: string }>;
  private readonly judged: Statement<[number, number]>;

  constructor(options: LeaveStoreOptions) {
    this.db = options.db;
    this.logger = options.logger.child({ component: 'leave' });
    this.now = options.now ?? Date.now;
    this.queries = new LeaveQueries(options.db);
    this.employeeExists = options.db.prepare('SELECT id FROM directory_employees WHERE id = ?');
    this.findSame = options.db.prepare(`
      SELECT * FROM leave_records WHERE employee_id = ? AND kind = ? AND ifnull(kind_note, '') = ? AND from_date = ? AND to_date = ?
        AND ifnull(from_minutes, -1) = ? AND ifnull(to_minutes, -1) = ? AND approved_at = ?`);
    this.insert = options.db.prepare(`
      INSERT INTO leave_records (employee_id, kind, kind_note, from_date, to_date, from_minutes, to_minutes, last_date,
        reason, approved_by, approved_at, source_kind, source, recorded_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.updateApproval = options.db.prepare('UPDATE leave_records SET reason = ?, approved_by = ? WHERE id = ?');
    this.cancel = options.db.prepare("UPDATE leave_records SET status = 'cancelled', cancelled_by = ?, cancelled_at = ? WHERE id = ? AND status = 'approved'");
    this.recordChange = options.db.prepare('INSERT INTO leave_changes (leave_id, employee_id, from_date, to_date, recorded_at) VALUES (?, ?, ?, ?, ?)');
    this.pending = options.db.prepare('SELECT id, employee_id, from_date, to_date FROM leave_changes WHERE judged_at IS NULL ORDER BY id LIMIT ?');
    this.judged = options.db.prepare('UPDATE leave_changes SET judged_at = ? WHERE id = ? AND judged_at IS NULL');
  }

  /** Calls `listener` after every committed add, import or cancel; returns a function that stops it. */
  onChange(listener: LeaveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records one approved leave from the API; `actor` is the approver unless `approvedBy` is given. */
  addLeave(input: NewLeave, actor: string): LeaveRecord {
    const body = { ...input, approvedBy: input.approvedBy ?? actor, approvedAt: input.approvedAt ?? new Date(this.now()).toISOString() };
    const { drafts, problems } = this.validate([{ ref: API_BODY, value: body }]);
    const draft = drafts[0];
    if (draft === undefined) throw new HubError('INVALID_INPUT', `the leave is not valid: ${problems.map((p) => p.message).join('; ')}`, { problems });
    const [id] = this.write([draft], { kind: 'api', name: actor });
    return this.queries.get(id!)!;
  }

  /** Cancels a leave (kept, with who and when); cancelling a cancelled leave changes nothing. */
  cancelLeave(id: number, actor: string): LeaveRecord {
    const before = this.queries.get(id);
    if (before === undefined) throw new HubError('NOT_FOUND', `no leave ${id}`);
    // The status condition in the update makes a concurrent second cancel a no-op too.
    if (before.status === 'cancelled') return before;
    const nowMs = this.now();
    const change = this.db.transaction((): LeaveChange | undefined => {
      if (this.cancel.run(actor, nowMs, id).changes === 0) return undefined;
      const to = lastDateOf(before);
      return { id: Number(this.recordChange.run(id, before.employeeId, before.from, to, nowMs).lastInsertRowid), employeeId: before.employeeId, from: before.from, to };
    }).immediate();
    const after = this.queries.get(id)!;
    if (change === undefined) return after;
    this.logger.info({ leaveId: id, employeeId: after.employeeId, actor }, 'leave cancelled');
    this.emit([change]);
    return after;
  }

  /** Changes not yet marked judged, oldest first. */
  pendingChanges(limit = 1000): LeaveChange[] {
    return this.pending.all(limit).map((r) => ({ id: r.id, employeeId: r.employee_id, from: r.from_date, to: r.to_date }));
  }

  /** Records that detection has re-judged the dates of a change. */
  markJudged(changeId: number): void {
    this.judged.run(this.now(), changeId);
  }

  listLeave(filter: LeaveFilter = {}): LeaveRecord[] {
    return this.queries.listLeave(filter);
  }

  leaveIntervals(query: IntervalQuery): LeaveInterval[] {
    return this.queries.leaveIntervals(query);
  }

  /** Imports approved leave from CSV or YAML; atomic unless `acceptValid` (then bad rows are returned as problems). */
  importLeave(content: string | Uint8Array, options: ImportOptions): ImportResult {
    const format = formatOf(options.fileName, options.format);
    const entries: { ref: RowRef; value: unknown }[] = [];
    const problems: InputProblem[] = [];
    if (format === 'csv') {
      const csv = readCsv(content, options.fileName, { columns: LEAVE_COLUMNS, required: REQUIRED_LEAVE_COLUMNS });
      const header = csv.problems.filter((p) => p.row === 0);
      if (header.length > 0) throw new HubError('INVALID_INPUT', problemSummary(options.fileName, format, header), { problems: header });
      problems.push(...csv.problems);
      for (const r of csv.rows) entries.push({ ref: r, value: csvRowToLeave(r.cells) });
    } else {
      for (const e of readYamlList(content, options.fileName)) entries.push({ ref: e, value: e.value });
    }
    const checked = this.validate(entries);
    problems.push(...checked.problems);
    problems.sort((a, b) => a.row - b.row);
    if (problems.length > 0 && !(options.acceptValid ?? false)) {
      throw new HubError('INVALID_INPUT', problemSummary(options.fileName, format, problems), { problems });
    }
    const counts = { created: 0, updated: 0, unchanged: 0 };
    this.write(checked.drafts, { kind: 'import', name: options.fileName }, (outcome) => counts[outcome]++);
    this.logger.info({ file: options.fileName, ...counts, skipped: new Set(problems.map((p) => p.row)).size }, 'leave imported');
    return { ...counts, problems };
  }

  /**
   * Valid drafts (in entry order) and the problems of the others, unknown employees included.
   * Employees are never deleted, so a check done here still holds when the drafts are written.
   */
  private validate(entries: readonly { ref: RowRef; value: unknown }[]): { drafts: LeaveDraft[]; problems: InputProblem[] } {
    const drafts: LeaveDraft[] = [];
    const problems: InputProblem[] = [];
    const known = new Map<string, boolean>();
    const exists = (id: string): boolean => {
      let found = known.get(id);
      if (found === undefined) known.set(id, (found = this.employeeExists.get(id) !== undefined));
      return found;
    };
    for (const { ref, value } of entries) {
      const checked = validateLeave(value, ref);
      const employee = typeof value === 'object' && value !== null ? (value as { employee?: unknown }).employee : undefined;
      const rowProblems = [...checked.problems];
      if (typeof employee === 'string' && employee.trim() !== '' && !exists(employee.trim())) {
        rowProblems.push(rowProblem(ref, leaveFieldName(['employee'], ref.format), `no employee ${employee.trim()} in the directory; import the employee first, or fix the employee number`));
      }
      if (rowProblems.length > 0) problems.push(...rowProblems);
      else if (checked.draft !== undefined) drafts.push(checked.draft);
    }
    return { drafts, problems };
  }

  /** Stores drafts in one transaction, then announces the new ones. Returns each draft's record id. */
  private write(drafts: readonly LeaveDraft[], source: ChangeSource, count?: (outcome: Outcome) => void): number[] {
    const created: LeaveChange[] = [];
    const nowMs = this.now();
    let ids: number[];
    try {
      ids = this.db.transaction(() => drafts.map((d) => {
        const same = this.findSame.get(d.employeeId, d.kind, d.kindNote ?? '', d.from, d.to, d.fromMinutes ?? -1, d.toMinutes ?? -1, d.approvedAtMs);
        if (same !== undefined) {
          const changed = same.reason !== d.reason || same.approved_by !== d.approvedBy;
          if (changed) this.updateApproval.run(d.reason, d.approvedBy, same.id);
          count?.(changed ? 'updated' : 'unchanged');
          return same.id;
        }
        const info = this.insert.run(d.employeeId, d.kind, d.kindNote, d.from, d.to, d.fromMinutes, d.toMinutes, d.lastDate,
          d.reason, d.approvedBy, d.approvedAtMs, source.kind, source.name, nowMs);
        const leaveId = Number(info.lastInsertRowid);
        const change = this.recordChange.run(leaveId, d.employeeId, d.from, d.lastDate, nowMs);
        created.push({ id: Number(change.lastInsertRowid), employeeId: d.employeeId, from: d.from, to: d.lastDate });
        count?.('created');
        return leaveId;
      })).immediate();
    } catch (err) {
      throw new HubError('STORE', `cannot store leave from ${source.kind} ${source.name}: ${(err as Error).message}`, { cause: err });
    }
    this.emit(created);
    return ids;
  }

  private emit(changes: readonly LeaveChange[]): void {
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (err) {
          this.logger.error({ err, change }, 'a leave change listener failed; the change is stored');
        }
      }
    }
  }
}

/** The last local date a stored leave touches: the next day for a partial leave crossing midnight. */
function lastDateOf(r: LeaveRecord): LocalDate {
  return r.fromTime !== null && r.toTime !== null && r.toTime < r.fromTime ? addDays(r.to, 1) : r.to;
}
