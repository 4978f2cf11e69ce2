import type { Logger } from 'pino';
import type { HubDatabase } from '../db/database.js';
import { HubError } from '../errors.js';
import { PUNCHED_AT } from '../detection/no-show.js';
import { addDays, parseClock, type LocalDate } from '../time/local-date.js';
import { runActions, type ActionContext } from './actions.js';
import { PolicyVersions } from './policies.js';
import type { Policy, Step } from './policy-schema.js';
import type { AbsenceCounts, CaseEvidence, CasePorts } from './ports.js';
import { CaseStore, type FeedRow } from './store.js';
import { NoticeDesk } from './notice-desk.js';
import { CaseRecorder } from './recorder.js';
import { caseTimeline } from './timeline.js';
import type { Case, CaseChange, CaseResolution, CaseStep, TimelineEntry } from './types.js';

export interface CaseEngineOptions {
  db: HubDatabase;
  ports: CasePorts;
  /** The policy new cases open under (validated). */
  policy: Policy;
  logger: Logger;
  evidence: CaseEvidence;
  clock?: () => number;
}

/**
 * Feed rows and due steps handled per transaction. Their writes are held and made together at the
 * commit, so a larger batch means fewer statements and fewer commits (each commit rewrites every
 * page the batch touched: for ten thousand cases, most of the steps' and messages' indexes).
 */
const BATCH = 10_000;
const HOUR_MS = 3_600_000;
/** How far back a punch is looked for before a step acts (older returns were classified and fed). */
const RETURN_LOOKBACK_MS = 24 * HOUR_MS;

/** A feed row's question for a case: have the employee's counts on that date reached an `absentDays` step? */
interface AbsenceCheck {
  c: Case;
  date: LocalDate;
}

/**
 * Turns detection's no-shows into cases and runs each case's ladder on durable timers.
 *
 * `sync` reads detection's change feed in order (a trigger writes it in the transaction that
 * changes an event or an absent day) and opens, extends or resolves cases, scheduling their steps;
 * `advance` fires every step due, checking its guard at that moment. Both write in IMMEDIATE
 * transactions that also move the feed cursor or the step's state, so after a crash or restart
 * nothing is handled twice and nothing is lost, and two hub processes on one database do not
 * both fire a step. Each transaction handles a batch: the feed rows come with their employees'
 * cases and the due steps with theirs in one read, leave is looked up once for the batch, and
 * the writes are held and made together when it commits.
 */
export class CaseEngine {
  readonly store: CaseStore;
  /** Approvals, registered mail, deliveries and printing of the cases' notices. */
  readonly notices: NoticeDesk;
  private readonly recorder: CaseRecorder;
  private readonly evidence: CaseEvidence;
  private readonly policies: PolicyVersions;
  private readonly policyId: number;
  private readonly ports: CasePorts;
  private readonly logger: Logger;
  private readonly clock: () => number;

  constructor(options: CaseEngineOptions) {
    this.store = new CaseStore(options.db);
    this.ports = options.ports;
    this.logger = options.logger.child({ component: 'cases' });
    this.clock = options.clock ?? Date.now;
    this.evidence = options.evidence;
    this.policies = new PolicyVersions(this.store);
    this.policyId = this.policies.register(options.policy, this.clock());
    this.recorder = new CaseRecorder(this.store, options.evidence);
    this.notices = new NoticeDesk(this.store, this.policies, this.ports, this.recorder, this.logger, this.clock);
  }

  /** `sync` then `advance`: what the hub does after every detection run. */
  run(nowMs: number = this.clock()): CaseChange[] {
    return [...this.sync(nowMs), ...this.advance(nowMs)];
  }

  /** Takes detection's changes since the last call. */
  sync(nowMs: number = this.clock()): CaseChange[] {
    const changes: CaseChange[] = [];
    for (;;) {
      const done = this.write('take detection changes', () => {
        const rows = this.store.feedAfter(this.store.cursor(), BATCH);
        // An employee's case as the rows before left it (the read shows it as the batch began).
        const active = new Map<string, Case | undefined>();
        const checks: AbsenceCheck[] = [];
        for (const row of rows) {
          const c = active.has(row.employeeId) ? active.get(row.employeeId) : row.activeCase;
          active.set(row.employeeId, this.take(row, c, nowMs, changes, checks));
        }
        this.checkAbsences(checks, nowMs, changes);
        if (rows.length > 0) this.store.setCursor(rows[rows.length - 1]!.seq);
        return rows.length < BATCH;
      });
      if (done) break;
    }
    this.log(changes);
    return changes;
  }

  /** Fires the steps due by `nowMs`, oldest first, and ends the pauses that ran out. */
  advance(nowMs: number = this.clock()): CaseChange[] {
    const changes: CaseChange[] = [];
    this.write('end reply pauses', () => {
      for (const c of this.store.pausesEnded(nowMs)) this.resume(c, nowMs, changes);
    });
    for (;;) {
      const done = this.write('fire due steps', () => {
        const due = this.store.dueSteps(nowMs, BATCH);
        const onLeave = this.ports.onLeave([...new Set(due.map((d) => d.c.employeeId))], nowMs);
        const punched = this.punchedAhead(due.map((d) => d.c), nowMs);
        const absence = this.absenceAhead(due.filter((d) => this.draftsNotice(d.c, d.step)).map((d) => d.c), nowMs);
        // One object per case, so a step sees what an earlier one in the batch did to it.
        const cases = new Map<number, Case>();
        for (const { row, step, c: read } of due) {
          let c = cases.get(read.caseId);
          if (c === undefined) cases.set(read.caseId, (c = read));
          this.fire(row, step, c, { onLeave: onLeave.has(c.employeeId), punchedMs: punched.get(c.employeeId) }, absence, nowMs, changes);
        }
        return due.length < BATCH;
      });
      if (done) break;
    }
    this.log(changes);
    return changes;
  }

  /**
   * The employee replied (a message, a call HR logged): reminders pause for the policy's
   * `pauseHours` and HR gets a task; if the case is not resolved by then, the reminders resume.
   */
  acknowledge(caseId: number, reply: { via: string; text: string }, nowMs: number = this.clock()): Case {
    return this.write(`acknowledge case ${caseId}`, () => {
      const c = this.activeCase(caseId);
      const policy = this.policies.get(c.policyId);
      const pausedUntil = nowMs + policy.acknowledgement.pauseHours * HOUR_MS;
      this.store.setState(caseId, 'acknowledged', nowMs, { pausedUntil });
      this.store.addTask(caseId, `reply@${nowMs}`, 'The employee replied: read it, decide, and resolve or keep the case open', pausedUntil, nowMs);
      this.recorder.record(c, nowMs, 'acknowledged', null, { via: reply.via, text: reply.text, pausedUntil });
      return this.store.case(caseId)!;
    });
  }

  /** HR closes a case (for a reason the hub cannot see, e.g. the employee came back to another site). */
  closeByHr(caseId: number, user: string, note: string, nowMs: number = this.clock()): Case {
    return this.write(`close case ${caseId}`, () => {
      const c = this.activeCase(caseId);
      this.resolve(c, 'closed_by_hr', `${user}: ${note}`, nowMs, []);
      return this.store.case(caseId)!;
    });
  }

  /** The title a step has in the policy a case runs (the step id when the policy has no such step). */
  stepTitle(policyId: number, stepId: string): string {
    return this.policies.get(policyId).steps.find((s) => s.id === stepId)?.title ?? stepId;
  }

  /** The policy the hub runs new cases under, with its stored id. */
  currentPolicy(): { policyId: number; policy: Policy } {
    return { policyId: this.policyId, policy: this.policies.get(this.policyId) };
  }

  /** What happened to a case, in time order: its evidence entries and its steps' scheduling. */
  timeline(caseId: number): TimelineEntry[] {
    return caseTimeline(this.store, this.evidence, caseId);
  }

  /** One of the engine's transactions: the ports read afresh, the held writes made at the commit. */
  private write<T>(what: string, work: () => T): T {
    return this.store.write(what, () => {
      this.ports.beginRead();
      try {
        return work();
      } finally {
        this.ports.endRead();
      }
    });
  }

  /** Handles one feed row for the employee's case `c` (undefined: none open); returns the employee's case after it. */
  private take(row: FeedRow, c: Case | undefined, nowMs: number, changes: CaseChange[], checks: AbsenceCheck[]): Case | undefined {
    if (row.source === 'instance' && row.kind === 'attended') {
      if (c === undefined || row.date < c.firstDate) return c;
      this.resolve(c, 'returned', `came to work on ${row.date} (${row.state})`, nowMs, changes);
      return undefined;
    }
    if (row.source === 'instance') {
      if (c === undefined || row.date < c.firstDate) return c;
      const absent = row.state === 'absent';
      c.absentDays = Math.max(0, c.absentDays + (absent ? 1 : -1));
      this.store.setAbsentDays(c.caseId, c.absentDays);
      this.recorder.record(c, nowMs, absent ? 'absent_day' : 'absent_day_withdrawn', null, { date: row.date, shiftId: row.shiftId, status: row.state });
      if (absent) checks.push({ c, date: row.date });
      return c;
    }
    if (row.kind !== 'no_show') {
      if (c !== undefined && row.state === 'open') this.recorder.record(c, nowMs, `${row.kind}_threshold`, null, { date: row.date, eventId: row.eventId });
      return c;
    }
    if (row.state === 'open') {
      if (c === undefined) return this.open(row, nowMs, changes, checks);
      // The day's no-show is not evidence the case relies on (the day's classification is): the change is reported only.
      changes.push({ caseId: c.caseId, employeeId: c.employeeId, change: 'extended', detail: `${row.date} ${row.shiftId}` });
      return c;
    }
    if (c === undefined) return c;
    const reason = row.reason ?? '';
    if (row.state === 'resolved' && reason.startsWith(PUNCHED_AT)) {
      this.resolve(c, 'returned', reason, nowMs, changes);
      return undefined;
    }
    // Excused now (leave approved over today too): the episode is over. A no-show excused or
    // withdrawn for a past day only (leave for that day, a schedule corrected) leaves the case open
    // while the later days are still missed; HR closes it if that is the whole story.
    if (this.ports.onLeave([c.employeeId], nowMs).size > 0) {
      this.resolve(c, 'leave', reason === '' ? `the no-show of ${row.date} was withdrawn` : reason, nowMs, changes);
      return undefined;
    }
    this.recorder.record(c, nowMs, `no_show_${row.state}`, null, { date: row.date, reason });
    return c;
  }

  private open(row: FeedRow, nowMs: number, changes: CaseChange[], checks: AbsenceCheck[]): Case | undefined {
    const employee = this.ports.employee(row.employeeId);
    if (employee === undefined) {
      this.logger.warn({ employeeId: row.employeeId }, 'a no-show names an employee the directory does not have; no case opened');
      return undefined;
    }
    const shiftStartMs = this.ports.shiftStartMs(employee, row.date, row.shiftId);
    if (shiftStartMs === undefined) {
      this.logger.warn({ employeeId: row.employeeId, date: row.date, shiftId: row.shiftId }, 'the calendar no longer has the missed shift; no case opened');
      return undefined;
    }
    const opened = { employeeId: row.employeeId, siteId: employee.site, firstDate: row.date, firstShiftId: row.shiftId, shiftStartMs, policyId: this.policyId, openedAt: nowMs };
    const caseId = this.store.insertCase(opened);
    if (caseId === undefined) return undefined;
    const c: Case = { ...opened, caseId, state: 'open', pausedUntil: null, absentDays: 0, resolution: null, resolutionNote: null, resolvedAt: null };
    const policy = this.policies.get(this.policyId);
    this.recorder.record(c, nowMs, 'opened', null, { date: row.date, shiftId: row.shiftId, shiftStartMs, eventId: row.eventId, policy: { name: policy.name, version: policy.version } });
    changes.push({ caseId, employeeId: c.employeeId, change: 'opened', detail: `${row.date} ${row.shiftId}` });
    for (const step of policy.steps) {
      if ('afterShiftStart' in step.at) this.store.scheduleNew(caseId, step.id, step.id, shiftStartMs + step.at.afterShiftStart.hours * HOUR_MS, nowMs);
      else if ('dailyAt' in step.at) this.scheduleDaily(c, step, this.ports.zoneOf(c.siteId).local(nowMs).date, nowMs);
    }
    checks.push({ c, date: row.date });
    return c;
  }

  /**
   * Schedules `absentDays` steps (due now) once the employees' counts reach them, counted as
   * detection counts (its rules for rest days and leave, the month's earlier absences), for the
   * checks a batch of feed rows asked for, in their order; the counts are read once per date for
   * every case still without such a step. A case a later row of the batch resolved asks nothing.
   */
  private checkAbsences(checks: readonly AbsenceCheck[], nowMs: number, changes: CaseChange[]): void {
    // Looked up once per case: a step scheduled below is refused again by `schedule` if asked twice.
    const waitingOf = new Map<number, Step[]>();
    const waiting = (c: Case): Step[] => {
      let steps = waitingOf.get(c.caseId);
      if (steps === undefined) {
        steps = c.state === 'resolved' ? [] : this.policies.get(c.policyId).steps.filter((s) => 'absentDays' in s.at && !this.store.hasStep(c.caseId, s.id));
        waitingOf.set(c.caseId, steps);
      }
      return steps;
    };
    const wanted = new Map<LocalDate, Set<string>>();
    for (const { c, date } of checks) {
      if (waiting(c).length === 0) continue;
      let ids = wanted.get(date);
      if (ids === undefined) wanted.set(date, (ids = new Set()));
      ids.add(c.employeeId);
    }
    const counted = new Map([...wanted].map(([date, ids]) => [date, this.ports.absence([...ids], date)] as const));
    for (const { c, date } of checks) {
      const counts = counted.get(date)?.get(c.employeeId);
      if (counts === undefined) continue;
      for (const step of waiting(c)) {
        if (!('absentDays' in step.at)) continue;
        const { consecutive, monthly } = step.at.absentDays;
        const reached = (consecutive !== undefined && counts.consecutive >= consecutive) || (monthly !== undefined && counts.monthly >= monthly);
        if (reached && this.recorder.schedule(c, step.id, step.id, nowMs, nowMs)) {
          changes.push({ caseId: c.caseId, employeeId: c.employeeId, change: 'step_scheduled', stepKey: step.id, detail: `${counts.consecutive} consecutive, ${counts.monthly} this month` });
        }
      }
    }
  }

  /** The daily step's next occurrence: `HH:MM` on the day after `after` (a key the case cannot have yet). */
  private scheduleDaily(c: Case, step: Step, after: LocalDate, nowMs: number): void {
    if (!('dailyAt' in step.at)) return;
    const day = addDays(after, 1);
    this.store.scheduleNew(c.caseId, `${step.id}@${day}`, step.id, this.ports.zoneOf(c.siteId).instant(day, parseClock(step.at.dailyAt)), nowMs);
  }

  /** Whether the step drafts a notice (which cites the absent dates). */
  private draftsNotice(c: Case, step: CaseStep): boolean {
    return this.policies.get(c.policyId).steps.some((s) => s.id === step.stepId && s.actions.some((a) => 'draftNotice' in a));
  }

  /**
   * The absence counts of the cases' employees as of today at their sites, read once per date for
   * all of them; an employee not read ahead is read when asked.
   */
  private absenceAhead(cases: readonly Case[], nowMs: number): (employeeId: string, asOf: LocalDate) => AbsenceCounts {
    const byDate = new Map<LocalDate, Set<string>>();
    for (const c of cases) {
      const date = this.ports.zoneOf(c.siteId).local(nowMs).date;
      let ids = byDate.get(date);
      if (ids === undefined) byDate.set(date, (ids = new Set()));
      ids.add(c.employeeId);
    }
    const read = new Map([...byDate].map(([date, ids]) => [date, this.ports.absence([...ids], date)] as const));
    return (employeeId, asOf) => read.get(asOf)?.get(employeeId) ?? this.ports.absence([employeeId], asOf).get(employeeId)!;
  }

  /**
   * The first punch of each case's employee since the later of their first missed shift and a day
   * ago: someone back at work this morning, before the day is classified tonight (which feeds an
   * `attended` row), must not be reminded that they are missing.
   */
  private punchedAhead(cases: readonly Case[], nowMs: number): Map<string, number> {
    // Grouped by where each one's window starts: a few shift starts today, the rest a day ago.
    const byStart = new Map<number, Array<{ employeeId: string; siteId: string }>>();
    for (const c of cases) {
      const fromMs = Math.max(nowMs - RETURN_LOOKBACK_MS, c.shiftStartMs);
      let who = byStart.get(fromMs);
      if (who === undefined) byStart.set(fromMs, (who = []));
      who.push({ employeeId: c.employeeId, siteId: c.siteId });
    }
    const found = new Map<string, number>();
    for (const [fromMs, who] of byStart) for (const [id, atMs] of this.ports.punchedBetween(who, fromMs, nowMs)) found.set(id, atMs);
    return found;
  }

  private fire(row: number, step: CaseStep, c: Case, now: { onLeave: boolean; punchedMs: number | undefined }, absence: ActionContext['absence'], nowMs: number, changes: CaseChange[]): void {
    const policy = this.policies.get(c.policyId);
    const def = policy.steps.find((s) => s.id === step.stepId);
    const skip = (why: string): void => {
      this.store.settle(row, 'skipped', nowMs, why);
      changes.push({ caseId: c.caseId, employeeId: c.employeeId, change: 'step_skipped', stepKey: step.stepKey, detail: why });
    };
    if (def === undefined) return skip(`policy ${policy.name} v${policy.version} has no step ${step.stepId}`);
    if (c.state === 'resolved') {
      this.store.settle(row, 'cancelled', nowMs, 'the case was resolved');
      return;
    }
    const employee = this.ports.employee(c.employeeId);
    const z = this.ports.zoneOf(c.siteId);
    const today = z.local(nowMs).date;
    // Facts that end the case are checked when a step would act on it.
    if (employee === undefined || (employee.endDate !== null && employee.endDate < today)) {
      this.resolve(c, 'employment_ended', employee === undefined ? 'no longer in the directory' : `employment ended ${employee.endDate}`, nowMs, changes);
      return;
    }
    if (now.onLeave) {
      this.resolve(c, 'leave', 'approved leave covers this time', nowMs, changes);
      return;
    }
    if (now.punchedMs !== undefined) {
      this.resolve(c, 'returned', `${PUNCHED_AT}${this.ports.zoneOf(c.siteId).format(now.punchedMs)}`, nowMs, changes);
      return;
    }
    if ('dailyAt' in def.at && !this.ports.worksOn(employee, today)) skip(`${today} is not a working day of the employee`);
    else if (def.guard.includes('not_acknowledged') && c.state === 'acknowledged') skip(`paused: the employee replied (until ${z.format(c.pausedUntil ?? nowMs)})`);
    else {
      this.store.settle(row, 'fired', nowMs);
      const records = runActions({ store: this.store, ports: this.ports, policy, c, employee, zone: z, stepKey: step.stepKey, nowMs, absence }, def.actions);
      this.recorder.record(c, nowMs, 'step_fired', step.stepKey, { step: def.id, title: def.title, dueMs: step.dueMs, approval: def.approval ?? null, actions: records });
      changes.push({ caseId: c.caseId, employeeId: c.employeeId, change: 'step_fired', stepKey: step.stepKey });
    }
    if ('dailyAt' in def.at) this.scheduleDaily(c, def, today, nowMs);
  }

  private resume(c: Case, nowMs: number, changes: CaseChange[]): void {
    this.store.setState(c.caseId, 'open', nowMs);
    this.recorder.record(c, nowMs, 'resumed', null, { pausedUntil: c.pausedUntil });
    changes.push({ caseId: c.caseId, employeeId: c.employeeId, change: 'resumed' });
  }

  /** Resolves the case in the database and in `c`, which the rest of the batch goes on seeing. */
  private resolve(c: Case, resolution: CaseResolution, note: string, nowMs: number, changes: CaseChange[]): void {
    this.store.setState(c.caseId, 'resolved', nowMs, { resolution, note });
    Object.assign(c, { state: 'resolved', pausedUntil: null, resolution, resolutionNote: note, resolvedAt: nowMs });
    const cancelled = this.store.cancelSteps(c.caseId, nowMs, `case resolved: ${resolution}`);
    this.recorder.record(c, nowMs, 'resolved', null, { resolution, note, stepsCancelled: cancelled });
    changes.push({ caseId: c.caseId, employeeId: c.employeeId, change: 'resolved', detail: `${resolution}: ${note}` });
  }

  private activeCase(caseId: number): Case {
    const c = this.store.case(caseId);
    if (c === undefined) throw new HubError('NOT_FOUND', `case ${caseId} does not exist`);
    if (c.state === 'resolved') throw new HubError('INVALID_INPUT', `case ${caseId} is resolved (${c.resolution})`);
    return c;
  }

  private log(changes: readonly CaseChange[]): void {
    for (const ch of changes) this.logger.info(ch, `case ${ch.change}`);
  }
}
