import { writeImmediate, type HubDatabase } from '../db/database.js';
import { HeldWrites, WriteScope } from '../db/held-writes.js';
import { ManyRows } from '../db/insert-rows.js';
import type { LocalDate } from '../time/local-date.js';
import type { NoticeKind, Recipient } from './policy-schema.js';
import type { Case, CaseMessage, CaseNotice, CaseResolution, CaseState, CaseStep, CaseTask, NoticeFacts, NoticeState } from './types.js';

/** One row of detection's change feed (schema.ts), with the employee's case not resolved when it was read. */
export interface FeedRow {
  seq: number;
  source: 'event' | 'instance';
  employeeId: string;
  /** no_show, consecutive, monthly (events) or absent (instances). */
  kind: string;
  date: LocalDate;
  shiftId: string;
  /** Events: open, resolved, withdrawn. Instances: the new status, or `removed`. */
  state: string;
  eventId: number | null;
  reason: string | null;
  activeCase: Case | undefined;
}

/** A step due, with its row and its case as stored when it was read. */
export interface DueStep {
  row: number;
  step: CaseStep;
  c: Case;
}

/** A notification as held until the commit, with the recipients and channels it goes to. */
export interface HeldNotification {
  caseId: number;
  stepKey: string;
  template: string;
  subject: string | null;
  text: string;
  to: ReadonlyArray<{ role: Recipient; recipientId: string | null; channel: string }>;
  atMs: number;
}

/** A held step's key in `heldStepKeys`. */
const heldKey = (caseId: number, stepKey: string): string => `${caseId}\t${stepKey}`;

/**
 * The cases tables' statements, prepared once per connection. The writes a run makes by the
 * thousand (steps scheduled and settled, messages queued, absent-day counts) are held and written
 * together when the transaction commits (`write`); the rest go straight to the database.
 */
export class CaseStore {
  /** The held writes of this connection: registered first, flushed first (the recorder adds its facts after). */
  readonly scope = new WriteScope();
  private readonly s: ReturnType<typeof prepare>;
  private readonly heldSteps: HeldWrites<[number, string, string, number, number]>;
  /** `caseId\tstepKey` of the held steps. */
  private readonly heldStepKeys = new Set<string>();
  private readonly heldSettles: HeldWrites<[number, string, number, string | null]>;
  private readonly heldAbsentDays: HeldWrites<[number, number]>;
  /** Notifications with their messages, held (a million messages in a month at 10,000 cases). */
  private readonly heldNotifications: HeldWrites<HeldNotification>;

  constructor(readonly db: HubDatabase) {
    this.s = prepare(db);
    const steps = new ManyRows(db, 'INSERT OR IGNORE INTO case_steps (case_id, step_key, step_id, due_ms, scheduled_at, state)', 6);
    this.heldSteps = new HeldWrites(
      this.scope,
      (rows) => {
        this.heldStepKeys.clear();
        steps.insertAll(rows.map((r) => [...r, 'scheduled']));
      },
      (remaining) => {
        this.heldStepKeys.clear();
        for (const [caseId, key] of remaining) this.heldStepKeys.add(heldKey(caseId, key));
      },
    );
    this.heldSettles = new HeldWrites(this.scope, (rows) => this.s.settleSteps.run(JSON.stringify(rows)));
    this.heldAbsentDays = new HeldWrites(this.scope, (rows) => this.s.setAbsentDays.run(JSON.stringify([...new Map(rows)])));
    const notifications = new ManyRows(db, 'INSERT INTO case_notifications (notification_id, case_id, step_key, template, subject, text, created_at)', 7);
    const messages = new ManyRows(db, 'INSERT INTO case_messages (notification_id, role, recipient_id, channel, state, next_try_ms, updated_at)', 7);
    this.heldNotifications = new HeldWrites(this.scope, (held) => {
      // Ids are given here, in the write lock, so each message can name its notification.
      let id = this.s.lastNotification.get() as number;
      notifications.clear();
      messages.clear();
      for (const n of held) {
        id++;
        notifications.values.push(id, n.caseId, n.stepKey, n.template, n.subject, n.text, n.atMs);
        notifications.rowAdded();
      }
      notifications.flush();
      id -= held.length;
      for (const n of held) {
        id++;
        for (const to of n.to) {
          messages.values.push(id, to.role, to.recipientId, to.channel, 'queued', n.atMs, n.atMs);
          messages.rowAdded();
        }
      }
      messages.flush();
    });
  }

  /**
   * Runs `work` in one IMMEDIATE transaction (a savepoint inside another) and writes what it held
   * before the commit; a database failure becomes HubError('STORE') naming `what`.
   */
  write<T>(what: string, work: () => T): T {
    return writeImmediate(this.db, 'cases', what, () => this.scope.run(work));
  }

  policyId(name: string, version: number): { policyId: number; sha256: string } | undefined {
    return this.s.findPolicy.get(name, version) as { policyId: number; sha256: string } | undefined;
  }

  insertPolicy(name: string, version: number, body: string, sha256: string, atMs: number): number {
    return Number(this.s.insertPolicy.run(name, version, body, sha256, atMs).lastInsertRowid);
  }

  policyBody(policyId: number): string | undefined {
    return this.s.policyBody.get(policyId) as string | undefined;
  }

  case(caseId: number): Case | undefined {
    const row = this.s.caseById.get(caseId) as unknown[] | undefined;
    return row === undefined ? undefined : caseAt(row, 0);
  }

  cases(state?: CaseState): Case[] {
    return (this.s.cases.all({ state: state ?? null }) as unknown[][]).map((r) => caseAt(r, 0));
  }

  /** Cases acknowledged whose pause ended by `nowMs`. */
  pausesEnded(nowMs: number): Case[] {
    return (this.s.pausesEnded.all(nowMs) as unknown[][]).map((r) => caseAt(r, 0));
  }

  /** Inserts a case unless that episode (employee, first shift) exists; returns its id or undefined. */
  insertCase(c: Omit<Case, 'caseId' | 'state' | 'pausedUntil' | 'absentDays' | 'resolution' | 'resolutionNote' | 'resolvedAt'>): number | undefined {
    const r = this.s.insertCase.run({ ...c, updatedAt: c.openedAt });
    return r.changes === 1 ? Number(r.lastInsertRowid) : undefined;
  }

  setState(caseId: number, state: CaseState, atMs: number, extra: { pausedUntil?: number | null; resolution?: CaseResolution | null; note?: string | null } = {}): void {
    this.s.setState.run({
      caseId, state, atMs, pausedUntil: extra.pausedUntil ?? null, resolution: extra.resolution ?? null, note: extra.note ?? null,
      resolvedAt: state === 'resolved' ? atMs : null,
    });
  }

  /** Sets the episode's absent days (held: written with the transaction). */
  setAbsentDays(caseId: number, days: number): void {
    this.heldAbsentDays.hold([caseId, days]);
  }

  /** Whether the case has that step (in any state), held or stored. */
  hasStep(caseId: number, stepKey: string): boolean {
    return this.heldStepKeys.has(heldKey(caseId, stepKey)) || this.s.hasStep.get(caseId, stepKey) !== undefined;
  }

  /** Schedules a step unless the case already has that key (whatever its state); true when added. */
  schedule(caseId: number, stepKey: string, stepId: string, dueMs: number, atMs: number): boolean {
    if (this.hasStep(caseId, stepKey)) return false;
    this.scheduleNew(caseId, stepKey, stepId, dueMs, atMs);
    return true;
  }

  /** Schedules a step whose key the case cannot have yet (the next day of a daily step); held, and ignored if it exists after all. */
  scheduleNew(caseId: number, stepKey: string, stepId: string, dueMs: number, atMs: number): void {
    this.heldSteps.hold([caseId, stepKey, stepId, dueMs, atMs]);
    this.heldStepKeys.add(heldKey(caseId, stepKey));
  }

  /**
   * Moves a step read as due in this transaction (its row) to fired, skipped or cancelled (held;
   * a step no longer scheduled when it is written, e.g. cancelled by its case's resolution, stays).
   */
  settle(row: number, state: Exclude<CaseStep['state'], 'scheduled'>, atMs: number, outcome: string | null = null): void {
    this.heldSettles.hold([row, state, atMs, outcome]);
  }

  /** Cancels every step still scheduled for a case, held ones included. */
  cancelSteps(caseId: number, atMs: number, outcome: string): number {
    this.flushSteps();
    return this.s.cancelSteps.run({ caseId, atMs, outcome }).changes;
  }

  /** Up to `limit` steps due by `nowMs`, oldest first (a case's steps due together in the order they were scheduled), each with its case. */
  dueSteps(nowMs: number, limit: number): DueStep[] {
    this.flushSteps();
    return (this.s.dueSteps.all(nowMs, limit) as unknown[][]).map((r) => ({ row: r[0] as number, step: stepAt(r, 1), c: caseAt(r, 9) }));
  }

  steps(caseId: number): CaseStep[] {
    this.flushSteps();
    return (this.s.steps.all(caseId) as unknown[][]).map((r) => stepAt(r, 0));
  }

  /** Writes the held steps and settlements now, for a statement that reads or changes steps. */
  private flushSteps(): void {
    this.heldSteps.flush();
    this.heldSettles.flush();
  }

  addTask(caseId: number, stepKey: string, title: string, dueMs: number | null, atMs: number): void {
    this.s.addTask.run(caseId, stepKey, title, dueMs, atMs);
  }

  tasks(caseId?: number): CaseTask[] {
    return this.s.tasks.all({ caseId: caseId ?? null }) as CaseTask[];
  }

  /**
   * Queues a notification in the outbox: its text once, and one message for each recipient and
   * channel in `to`, which the channels send (held: written with the transaction).
   */
  queueNotification(n: Omit<HeldNotification, 'atMs'>, atMs: number): void {
    this.heldNotifications.hold({ ...n, atMs });
  }

  messages(caseId: number): CaseMessage[] {
    this.heldNotifications.flush();
    return this.s.messages.all(caseId) as CaseMessage[];
  }

  draftNotice(n: { caseId: number; stepKey: string; kind: NoticeKind; deliver: readonly string[]; deadlineDays: number | null; facts: NoticeFacts }, atMs: number): number | undefined {
    const r = this.s.draftNotice.run({ ...n, deliver: JSON.stringify(n.deliver), facts: JSON.stringify(n.facts), atMs });
    return r.changes === 1 ? Number(r.lastInsertRowid) : undefined;
  }

  notice(noticeId: number): CaseNotice | undefined {
    const row = this.s.noticeById.get(noticeId) as NoticeRow | undefined;
    return row === undefined ? undefined : toNotice(row);
  }

  notices(caseId: number): CaseNotice[] {
    return (this.s.notices.all(caseId) as NoticeRow[]).map(toNotice);
  }

  /** Moves a notice from one of `from` to `to`; false when it was in none of them. */
  moveNotice(noticeId: number, from: readonly NoticeState[], to: NoticeState, atMs: number, extra: { approvedBy?: string; deliveredDate?: LocalDate; html?: string; htmlSha256?: string | null } = {}): boolean {
    return this.s.moveNotice.run({
      noticeId, from: JSON.stringify(from), to, atMs, approvedBy: extra.approvedBy ?? null, deliveredDate: extra.deliveredDate ?? null, html: extra.html ?? null, htmlSha256: extra.htmlSha256 ?? null,
    }).changes === 1;
  }

  setNoticeFacts(noticeId: number, facts: NoticeFacts, atMs: number): void {
    this.s.setNoticeFacts.run(JSON.stringify(facts), atMs, noticeId);
  }

  addMailing(noticeId: number, m: { carrier: string; trackingNumber: string; address: string; sentDate: LocalDate; recordedBy: string }, atMs: number): void {
    this.s.addMailing.run({ noticeId, ...m, atMs });
  }

  mailing(noticeId: number): { carrier: string; trackingNumber: string; address: string; sentDate: LocalDate } | undefined {
    return this.s.mailing.get(noticeId) as { carrier: string; trackingNumber: string; address: string; sentDate: LocalDate } | undefined;
  }

  /** Approved notices with no PDF yet, oldest first. */
  noticesToPrint(): CaseNotice[] {
    return (this.s.noticesToPrint.all() as NoticeRow[]).map(toNotice);
  }

  setNoticePdf(noticeId: number, sha256: string, atMs: number): boolean {
    return this.s.setNoticePdf.run(sha256, atMs, noticeId).changes === 1;
  }

  /** Detection's changes after `seq`, oldest first, each with its employee's case not resolved. */
  feedAfter(seq: number, limit: number): FeedRow[] {
    // The case's columns come from a LEFT JOIN: null when the employee has no case open.
    return (this.s.feed.all(seq, limit) as unknown[][]).map((r) => ({
      seq: r[0] as number, source: r[1] as FeedRow['source'], employeeId: r[2] as string, kind: r[3] as string, date: r[4] as LocalDate, shiftId: r[5] as string,
      state: r[6] as string, eventId: r[7] as number | null, reason: r[8] as string | null, activeCase: r[9] === null ? undefined : caseAt(r, 9),
    }));
  }

  /**
   * Each case's last fired step and next scheduled one, for the cases listed (one read of the
   * steps for all of them: the list's ladder column).
   */
  ladders(caseIds: readonly number[]): Map<number, { last?: { stepKey: string; stepId: string; firedAt: number }; next?: { stepKey: string; stepId: string; dueMs: number } }> {
    this.flushSteps();
    const out = new Map<number, { last?: { stepKey: string; stepId: string; firedAt: number }; next?: { stepKey: string; stepId: string; dueMs: number } }>();
    const ids = JSON.stringify(caseIds);
    for (const r of this.s.lastFired.all(ids) as Array<[number, string, string, number]>) out.set(r[0], { last: { stepKey: r[1], stepId: r[2], firedAt: r[3] } });
    for (const r of this.s.nextScheduled.all(ids) as Array<[number, string, string, number]>) {
      const entry = out.get(r[0]) ?? {};
      entry.next = { stepKey: r[1], stepId: r[2], dueMs: r[3] };
      out.set(r[0], entry);
    }
    return out;
  }

  cursor(): number {
    return this.s.cursor.get() as number;
  }

  setCursor(seq: number): void {
    this.s.setCursor.run(seq);
  }
}

type NoticeRow = Omit<CaseNotice, 'deliver' | 'facts'> & { deliver: string; facts: string };

const toNotice = (r: NoticeRow): CaseNotice => ({ ...r, deliver: JSON.parse(r.deliver) as string[], facts: JSON.parse(r.facts) as NoticeFacts });

/** The cases columns in the order `caseAt` reads them from a raw row (cases and steps are read as arrays, which cost better-sqlite3 less than objects). */
const caseRawColumns = (t: string): string =>
  ['case_id', 'employee_id', 'site_id', 'first_date', 'first_shift_id', 'shift_start_ms', 'policy_id', 'state', 'paused_until', 'absent_days', 'resolution', 'resolution_note', 'opened_at', 'resolved_at']
    .map((c) => `${t}${c}`)
    .join(', ');
/** The case in a raw row from column `i` on (caseRawColumns). */
const caseAt = (r: unknown[], i: number): Case => ({
  caseId: r[i] as number, employeeId: r[i + 1] as string, siteId: r[i + 2] as string, firstDate: r[i + 3] as LocalDate, firstShiftId: r[i + 4] as string,
  shiftStartMs: r[i + 5] as number, policyId: r[i + 6] as number, state: r[i + 7] as CaseState, pausedUntil: r[i + 8] as number | null, absentDays: r[i + 9] as number,
  resolution: r[i + 10] as CaseResolution | null, resolutionNote: r[i + 11] as string | null, openedAt: r[i + 12] as number, resolvedAt: r[i + 13] as number | null,
});
const CASE_COLUMNS = caseRawColumns('');
/** The case_steps columns in the order `stepAt` reads them. */
const stepRawColumns = (t: string): string =>
  ['case_id', 'step_key', 'step_id', 'due_ms', 'state', 'outcome', 'fired_at', 'scheduled_at'].map((c) => `${t}${c}`).join(', ');
const stepAt = (r: unknown[], i: number): CaseStep => ({
  caseId: r[i] as number, stepKey: r[i + 1] as string, stepId: r[i + 2] as string, dueMs: r[i + 3] as number, state: r[i + 4] as CaseStep['state'],
  outcome: r[i + 5] as string | null, firedAt: r[i + 6] as number | null, scheduledAt: r[i + 7] as number | null,
});
const NOTICE_COLUMNS = `notice_id AS noticeId, case_id AS caseId, step_key AS stepKey, kind, state, deliver, deadline_days AS deadlineDays, facts,
  approved_by AS approvedBy, approved_at AS approvedAt, delivered_date AS deliveredDate, html, html_sha256 AS htmlSha256, pdf_sha256 AS pdfSha256`;

function prepare(db: HubDatabase) {
  return {
    findPolicy: db.prepare('SELECT policy_id AS policyId, sha256 FROM case_policies WHERE name = ? AND version = ?'),
    insertPolicy: db.prepare('INSERT INTO case_policies (name, version, body, sha256, loaded_at) VALUES (?, ?, ?, ?, ?)'),
    policyBody: db.prepare('SELECT body FROM case_policies WHERE policy_id = ?').pluck(),
    caseById: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE case_id = ?`).raw(),
    cases: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE @state IS NULL OR state = @state ORDER BY case_id`).raw(),
    pausesEnded: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE state = 'acknowledged' AND paused_until <= ? ORDER BY case_id`).raw(),
    insertCase: db.prepare(`INSERT OR IGNORE INTO cases (employee_id, site_id, first_date, first_shift_id, shift_start_ms, policy_id, state, opened_at, updated_at)
      VALUES (@employeeId, @siteId, @firstDate, @firstShiftId, @shiftStartMs, @policyId, 'open', @openedAt, @updatedAt)`),
    setState: db.prepare(`UPDATE cases SET state = @state, paused_until = @pausedUntil, resolution = @resolution, resolution_note = @note,
      resolved_at = @resolvedAt, updated_at = @atMs WHERE case_id = @caseId`),
    // [[caseId, days], ...]
    setAbsentDays: db.prepare('UPDATE cases SET absent_days = j.value ->> 1 FROM json_each(?) AS j WHERE cases.case_id = j.value ->> 0'),
    hasStep: db.prepare('SELECT 1 FROM case_steps WHERE case_id = ? AND step_key = ?').pluck(),
    // [[row, state, atMs, outcome], ...]
    settleSteps: db.prepare(`UPDATE case_steps SET state = j.value ->> 1, fired_at = j.value ->> 2, outcome = j.value ->> 3 FROM json_each(?) AS j
      WHERE case_steps.step_row = j.value ->> 0 AND case_steps.state = 'scheduled'`),
    cancelSteps: db.prepare("UPDATE case_steps SET state = 'cancelled', fired_at = @atMs, outcome = @outcome WHERE case_id = @caseId AND state = 'scheduled'"),
    dueSteps: db.prepare(`SELECT s.step_row, ${stepRawColumns('s.')}, ${caseRawColumns('c.')}
      FROM case_steps s JOIN cases c ON c.case_id = s.case_id WHERE s.state = 'scheduled' AND s.due_ms <= ? ORDER BY s.due_ms, s.case_id, s.step_row LIMIT ?`).raw(),
    steps: db.prepare(`SELECT ${stepRawColumns('')} FROM case_steps WHERE case_id = ? ORDER BY due_ms, step_key`).raw(),
    addTask: db.prepare("INSERT OR IGNORE INTO case_tasks (case_id, step_key, title, due_ms, state, created_at) VALUES (?, ?, ?, ?, 'open', ?)"),
    tasks: db.prepare("SELECT task_id AS taskId, case_id AS caseId, step_key AS stepKey, title, due_ms AS dueMs, state FROM case_tasks WHERE @caseId IS NULL OR case_id = @caseId ORDER BY task_id"),
    // Steps fired or due together (a case opened late fires its past steps at once) in the order they were scheduled.
    lastFired: db.prepare(`SELECT case_id, step_key, step_id, fired_at FROM (
        SELECT case_id, step_key, step_id, fired_at, row_number() OVER (PARTITION BY case_id ORDER BY fired_at DESC, step_row DESC) AS n
        FROM case_steps WHERE state = 'fired' AND case_id IN (SELECT value FROM json_each(?))) WHERE n = 1`).raw(),
    nextScheduled: db.prepare(`SELECT case_id, step_key, step_id, due_ms FROM (
        SELECT case_id, step_key, step_id, due_ms, row_number() OVER (PARTITION BY case_id ORDER BY due_ms, step_row) AS n
        FROM case_steps WHERE state = 'scheduled' AND case_id IN (SELECT value FROM json_each(?))) WHERE n = 1`).raw(),
    lastNotification: db.prepare('SELECT coalesce(max(notification_id), 0) FROM case_notifications').pluck(),
    messages: db.prepare(`SELECT m.message_id AS messageId, n.case_id AS caseId, n.step_key AS stepKey, m.role, m.recipient_id AS recipientId, m.channel,
        n.template, n.subject, n.text, m.state
      FROM case_notifications n JOIN case_messages m ON m.notification_id = n.notification_id WHERE n.case_id = ? ORDER BY m.message_id`),
    draftNotice: db.prepare(`INSERT OR IGNORE INTO case_notices (case_id, step_key, kind, state, deliver, deadline_days, facts, created_at, updated_at)
      VALUES (@caseId, @stepKey, @kind, 'draft', @deliver, @deadlineDays, @facts, @atMs, @atMs)`),
    noticeById: db.prepare(`SELECT ${NOTICE_COLUMNS} FROM case_notices WHERE notice_id = ?`),
    notices: db.prepare(`SELECT ${NOTICE_COLUMNS} FROM case_notices WHERE case_id = ? ORDER BY notice_id`),
    moveNotice: db.prepare(`UPDATE case_notices SET state = @to, updated_at = @atMs,
        approved_by = coalesce(@approvedBy, approved_by), approved_at = CASE WHEN @approvedBy IS NULL THEN approved_at ELSE @atMs END,
        delivered_date = coalesce(@deliveredDate, delivered_date), html = coalesce(@html, html), html_sha256 = coalesce(@htmlSha256, html_sha256)
      WHERE notice_id = @noticeId AND state IN (SELECT value FROM json_each(@from))`),
    setNoticeFacts: db.prepare("UPDATE case_notices SET facts = ?, updated_at = ? WHERE notice_id = ? AND state = 'draft'"),
    addMailing: db.prepare(`INSERT INTO case_mailings (notice_id, carrier, tracking_number, address, sent_date, recorded_by, recorded_at)
      VALUES (@noticeId, @carrier, @trackingNumber, @address, @sentDate, @recordedBy, @atMs)`),
    mailing: db.prepare('SELECT carrier, tracking_number AS trackingNumber, address, sent_date AS sentDate FROM case_mailings WHERE notice_id = ?'),
    noticesToPrint: db.prepare(`SELECT ${NOTICE_COLUMNS} FROM case_notices WHERE html IS NOT NULL AND pdf_sha256 IS NULL ORDER BY notice_id`),
    setNoticePdf: db.prepare('UPDATE case_notices SET pdf_sha256 = ?, updated_at = ? WHERE notice_id = ? AND pdf_sha256 IS NULL'),
    feed: db.prepare(`SELECT f.seq, f.source, f.employee_id, f.kind, f.date, f.shift_id, f.state, f.event_id, f.reason, ${caseRawColumns('c.')}
      FROM case_feed f LEFT JOIN cases c ON c.employee_id = f.employee_id AND c.state <> 'resolved' WHERE f.seq > ? ORDER BY f.seq LIMIT ?`).raw(),
    cursor: db.prepare('SELECT feed_seq FROM case_cursor WHERE id = 1').pluck(),
    setCursor: db.prepare('UPDATE case_cursor SET feed_seq = ? WHERE id = 1'),
  };
}

