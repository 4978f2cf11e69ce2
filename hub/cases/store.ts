import { writeImmediate, type HubDatabase } from '../db/database.js';
import type { LocalDate } from '../time/local-date.js';
import type { NoticeKind } from './policy-schema.js';
import type { Case, CaseMessage, CaseNotice, CaseResolution, CaseState, CaseStep, CaseTask, NoticeFacts, NoticeState, TimelineEntry } from './types.js';

/** One row of detection's change feed (schema.ts). */
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
}

/** The cases tables' statements, prepared once per connection. */
export class CaseStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(readonly db: HubDatabase) {
    this.s = prepare(db);
  }

  /** Runs `work` in one IMMEDIATE transaction; a database failure becomes HubError('STORE') naming `what`. */
  write<T>(what: string, work: () => T): T {
    return writeImmediate(this.db, 'cases', what, work);
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

  activeCase(employeeId: string): Case | undefined {
    const row = this.s.activeCase.get(employeeId) as CaseRow | undefined;
    return row === undefined ? undefined : toCase(row);
  }

  case(caseId: number): Case | undefined {
    const row = this.s.caseById.get(caseId) as CaseRow | undefined;
    return row === undefined ? undefined : toCase(row);
  }

  cases(state?: CaseState): Case[] {
    return (this.s.cases.all({ state: state ?? null }) as CaseRow[]).map(toCase);
  }

  /** Cases acknowledged whose pause ended by `nowMs`. */
  pausesEnded(nowMs: number): Case[] {
    return (this.s.pausesEnded.all(nowMs) as CaseRow[]).map(toCase);
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

  /** Adds `delta` to the episode's absent days. */
  countAbsent(caseId: number, delta: number): void {
    this.s.countAbsent.run(delta, caseId);
  }

  /** Whether the case has that step (in any state). */
  hasStep(caseId: number, stepKey: string): boolean {
    return this.s.hasStep.get(caseId, stepKey) !== undefined;
  }

  /** Schedules a step unless the case already has that key (whatever its state); true when added. */
  schedule(caseId: number, stepKey: string, stepId: string, dueMs: number): boolean {
    return this.s.insertStep.run(caseId, stepKey, stepId, dueMs).changes === 1;
  }

  /** Moves a scheduled step to fired, skipped or cancelled; false when it was not scheduled any more. */
  settle(caseId: number, stepKey: string, state: Exclude<CaseStep['state'], 'scheduled'>, atMs: number, outcome: string | null = null): boolean {
    return this.s.settleStep.run({ caseId, stepKey, state, atMs, outcome }).changes === 1;
  }

  /** Cancels every step still scheduled for a case. */
  cancelSteps(caseId: number, atMs: number, outcome: string): number {
    return this.s.cancelSteps.run({ caseId, atMs, outcome }).changes;
  }

  dueSteps(nowMs: number, limit: number): CaseStep[] {
    return (this.s.dueSteps.all(nowMs, limit) as StepRow[]).map(toStep);
  }

  steps(caseId: number): CaseStep[] {
    return (this.s.steps.all(caseId) as StepRow[]).map(toStep);
  }

  addTimeline(caseId: number, atMs: number, kind: string, stepKey: string | null, detail: Record<string, unknown>): void {
    this.s.addTimeline.run(caseId, atMs, kind, stepKey, JSON.stringify(detail));
  }

  timeline(caseId: number): TimelineEntry[] {
    return (this.s.timeline.all(caseId) as Array<{ caseId: number; atMs: number; kind: string; stepKey: string | null; detail: string }>).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  addTask(caseId: number, stepKey: string, title: string, dueMs: number | null, atMs: number): void {
    this.s.addTask.run(caseId, stepKey, title, dueMs, atMs);
  }

  tasks(caseId?: number): CaseTask[] {
    return this.s.tasks.all({ caseId: caseId ?? null }) as CaseTask[];
  }

  queueMessage(m: Omit<CaseMessage, 'messageId' | 'state'>, atMs: number): boolean {
    return this.s.queueMessage.run({ ...m, atMs }).changes === 1;
  }

  messages(caseId: number): CaseMessage[] {
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

  /** Detection's changes after `seq`, oldest first. */
  feedAfter(seq: number, limit: number): FeedRow[] {
    return this.s.feed.all(seq, limit) as FeedRow[];
  }

  cursor(): number {
    return this.s.cursor.get() as number;
  }

  setCursor(seq: number): void {
    this.s.setCursor.run(seq);
  }
}

type CaseRow = Omit<Case, 'state' | 'resolution'> & { state: CaseState; resolution: CaseResolution | null };
type StepRow = CaseStep;
type NoticeRow = Omit<CaseNotice, 'deliver' | 'facts'> & { deliver: string; facts: string };

const toCase = (r: CaseRow): Case => ({ ...r });
const toStep = (r: StepRow): CaseStep => ({ ...r });
const toNotice = (r: NoticeRow): CaseNotice => ({ ...r, deliver: JSON.parse(r.deliver) as string[], facts: JSON.parse(r.facts) as NoticeFacts });

const CASE_COLUMNS = `case_id AS caseId, employee_id AS employeeId, site_id AS siteId, first_date AS firstDate, first_shift_id AS firstShiftId,
  shift_start_ms AS shiftStartMs, policy_id AS policyId, state, paused_until AS pausedUntil, absent_days AS absentDays, resolution, resolution_note AS resolutionNote,
  opened_at AS openedAt, resolved_at AS resolvedAt`;
const STEP_COLUMNS = 'case_id AS caseId, step_key AS stepKey, step_id AS stepId, due_ms AS dueMs, state, outcome, fired_at AS firedAt';
const NOTICE_COLUMNS = `notice_id AS noticeId, case_id AS caseId, step_key AS stepKey, kind, state, deliver, deadline_days AS deadlineDays, facts,
  approved_by AS approvedBy, approved_at AS approvedAt, delivered_date AS deliveredDate, html, html_sha256 AS htmlSha256, pdf_sha256 AS pdfSha256`;

function prepare(db: HubDatabase) {
  return {
    findPolicy: db.prepare('SELECT policy_id AS policyId, sha256 FROM case_policies WHERE name = ? AND version = ?'),
    insertPolicy: db.prepare('INSERT INTO case_policies (name, version, body, sha256, loaded_at) VALUES (?, ?, ?, ?, ?)'),
    policyBody: db.prepare('SELECT body FROM case_policies WHERE policy_id = ?').pluck(),
    activeCase: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE employee_id = ? AND state <> 'resolved'`),
    caseById: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE case_id = ?`),
    cases: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE @state IS NULL OR state = @state ORDER BY case_id`),
    pausesEnded: db.prepare(`SELECT ${CASE_COLUMNS} FROM cases WHERE state = 'acknowledged' AND paused_until <= ? ORDER BY case_id`),
    insertCase: db.prepare(`INSERT OR IGNORE INTO cases (employee_id, site_id, first_date, first_shift_id, shift_start_ms, policy_id, state, opened_at, updated_at)
      VALUES (@employeeId, @siteId, @firstDate, @firstShiftId, @shiftStartMs, @policyId, 'open', @openedAt, @updatedAt)`),
    setState: db.prepare(`UPDATE cases SET state = @state, paused_until = @pausedUntil, resolution = @resolution, resolution_note = @note,
      resolved_at = @resolvedAt, updated_at = @atMs WHERE case_id = @caseId`),
    countAbsent: db.prepare('UPDATE cases SET absent_days = max(0, absent_days + ?) WHERE case_id = ?'),
    hasStep: db.prepare('SELECT 1 FROM case_steps WHERE case_id = ? AND step_key = ?').pluck(),
    insertStep: db.prepare("INSERT OR IGNORE INTO case_steps (case_id, step_key, step_id, due_ms, state) VALUES (?, ?, ?, ?, 'scheduled')"),
    settleStep: db.prepare("UPDATE case_steps SET state = @state, fired_at = @atMs, outcome = @outcome WHERE case_id = @caseId AND step_key = @stepKey AND state = 'scheduled'"),
    cancelSteps: db.prepare("UPDATE case_steps SET state = 'cancelled', fired_at = @atMs, outcome = @outcome WHERE case_id = @caseId AND state = 'scheduled'"),
    dueSteps: db.prepare(`SELECT ${STEP_COLUMNS} FROM case_steps WHERE state = 'scheduled' AND due_ms <= ? ORDER BY due_ms, case_id, step_key LIMIT ?`),
    steps: db.prepare(`SELECT ${STEP_COLUMNS} FROM case_steps WHERE case_id = ? ORDER BY due_ms, step_key`),
    addTimeline: db.prepare('INSERT INTO case_timeline (case_id, at_ms, kind, step_key, detail) VALUES (?, ?, ?, ?, ?)'),
    timeline: db.prepare('SELECT case_id AS caseId, at_ms AS atMs, kind, step_key AS stepKey, detail FROM case_timeline WHERE case_id = ? ORDER BY entry_id'),
    addTask: db.prepare("INSERT OR IGNORE INTO case_tasks (case_id, step_key, title, due_ms, state, created_at) VALUES (?, ?, ?, ?, 'open', ?)"),
    tasks: db.prepare("SELECT task_id AS taskId, case_id AS caseId, step_key AS stepKey, title, due_ms AS dueMs, state FROM case_tasks WHERE @caseId IS NULL OR case_id = @caseId ORDER BY task_id"),
    queueMessage: db.prepare(`INSERT OR IGNORE INTO case_messages (case_id, step_key, role, recipient_id, channel, template, subject, text, state, next_try_ms, created_at, updated_at)
      VALUES (@caseId, @stepKey, @role, @recipientId, @channel, @template, @subject, @text, 'queued', @atMs, @atMs, @atMs)`),
    messages: db.prepare(`SELECT message_id AS messageId, case_id AS caseId, step_key AS stepKey, role, recipient_id AS recipientId, channel, template, subject, text, state
      FROM case_messages WHERE case_id = ? ORDER BY message_id`),
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
    feed: db.prepare(`SELECT seq, source, employee_id AS employeeId, kind, date, shift_id AS shiftId, state, event_id AS eventId, reason
      FROM case_feed WHERE seq > ? ORDER BY seq LIMIT ?`),
    cursor: db.prepare('SELECT feed_seq FROM case_cursor WHERE id = 1').pluck(),
    setCursor: db.prepare('UPDATE case_cursor SET feed_seq = ? WHERE id = 1'),
  };
}

