import type { Logger } from 'pino';
import type { HubDatabase } from '../db/database.js';
import { HubError } from '../errors.js';
import { addDays, datesBetween, parseLocalDate, type LocalDate } from '../time/local-date.js';
import { zone, type Zone } from '../time/zone.js';
import { countRules, type CountRules } from './counting.js';
import { evaluateDays, type Evaluation } from './evaluate.js';
import { InstanceHistory } from './history.js';
import { applyNoShow } from './no-show-events.js';
import type { DetectionPorts, DetectionSite } from './ports.js';
import { reclassifyEvaluations } from './reclassify.js';
import { DetectionStore } from './store.js';
import { syncThresholds } from './thresholds.js';
import { isFinal, type EventChange, type FinalClassification, type InstanceChange } from './types.js';

export interface DetectionOptions {
  db: HubDatabase;
  ports: DetectionPorts;
  logger: Logger;
  /** Absent days that raise a `consecutive` / `monthly` event (defaults 3 and 5). */
  thresholds?: { consecutive?: number; monthly?: number };
  /** Rest days and holidays end a run of absent days (default false: they neither count nor break it). */
  restBreaksRun?: boolean;
  /** An approved leave day ends a run (default true). */
  leaveBreaksRun?: boolean;
  /** The first date judged at a site the engine never ran for (default: the day before the first decision's date). */
  startDate?: LocalDate;
  /** At most this many dates are judged per transaction when catching up (default 7). */
  batchDays?: number;
  clock?: () => number;
}

export interface SiteTick {
  siteId: string;
  /** min(now, watermark); null when the site never synced, and nothing was judged. */
  decisionMs: number | null;
  /** Instances stored final by this run. */
  classified: number;
  /** Instances of the judged dates that are not over yet at decision time. */
  pending: number;
  /** The last date whose instances are all final, after this run. */
  finalThrough: LocalDate | null;
}

export interface TickResult {
  sites: SiteTick[];
  events: EventChange[];
}

interface BatchContext {
  siteId: string;
  nowMs: number;
  zone: Zone;
  /** False once an earlier batch of the run left a date not over: the cursor must not pass it. */
  advanceCursor: boolean;
}

export interface ReclassifyResult {
  instances: InstanceChange[];
  events: EventChange[];
}

/**
 * Detection for the whole hub. `tick(now)` judges, per site, up to min(now, watermark): raises and
 * resolves no-shows, stores instances whose window closed, advances the site's cursor and raises
 * threshold events. It never changes a stored instance: `reclassify` does, and reports the
 * changes. Every write of a batch is one IMMEDIATE transaction, and every event has a unique key,
 * so running twice, after a restart or from two processes on one database, changes nothing more.
 */
export class DetectionEngine {
  private readonly store: DetectionStore;
  private readonly history: InstanceHistory;
  private readonly ports: DetectionPorts;
  private readonly logger: Logger;
  private readonly rules: CountRules;
  private readonly startDate: LocalDate | undefined;
  private readonly batchDays: number;
  private readonly clock: () => number;

  constructor(options: DetectionOptions) {
    this.store = new DetectionStore(options.db);
    this.history = new InstanceHistory(options.db);
    this.ports = options.ports;
    this.logger = options.logger.child({ component: 'detection' });
    this.rules = countRules(options);
    this.startDate = options.startDate === undefined ? undefined : parseLocalDate(options.startDate);
    this.batchDays = options.batchDays ?? 7;
    if (!Number.isInteger(this.batchDays) || this.batchDays < 1) throw new HubError('CONFIG', `detection batchDays is ${this.batchDays}: use a whole number, 1 or more`);
    this.clock = options.clock ?? Date.now;
  }

  tick(nowMs: number = this.clock()): TickResult {
    const result: TickResult = { sites: [], events: [] };
    for (const site of this.ports.sites()) result.sites.push(this.tickSite(site, nowMs, result.events));
    return result;
  }

  /**
   * Recomputes one employee's final instances from `fromDate` to `toDate` (after leave approved
   * later, a punch correction or a schedule change), their no-shows and the counts that depend on
   * them. Instances not over yet are left to `tick`.
   */
  reclassify(employeeId: string, fromDate: LocalDate, toDate: LocalDate, nowMs: number = this.clock()): ReclassifyResult {
    const from = parseLocalDate(fromDate);
    const to = parseLocalDate(toDate);
    if (from > to) throw new HubError('INVALID_INPUT', `reclassify ${employeeId}: from ${from} is after to ${to}`);
    const employee = this.ports.employee(employeeId);
    if (employee === undefined) throw new HubError('NOT_FOUND', `reclassify: employee ${employeeId} is not in the directory`);
    const site = this.site(employee.siteId);
    const z = zone(site.timeZone);
    const watermark = this.ports.watermark(site.siteId);
    const decisionMs = watermark === undefined ? -Infinity : Math.min(nowMs, watermark);
    const evaluations = evaluateDays({ ports: this.ports, zone: z, employeeIds: [employeeId], dates: [...datesBetween(from, to)], decisionMs, nowMs });
    const result = this.store.write(`reclassify ${employeeId} from ${from} to ${to}`, () => {
      const r = reclassifyEvaluations(this.store, { employeeId, siteId: site.siteId, from, to, evaluations, nowMs, zone: z });
      const thresholds = syncThresholds(this.store, this.history, new Map([[employeeId, site.siteId]]), { from, to }, this.rules, nowMs);
      return { instances: r.instances, events: [...r.events, ...thresholds] };
    });
    this.logger.info({ employeeId, from, to, instances: result.instances.length, events: result.events.length }, 'reclassified');
    return result;
  }

  private site(siteId: string): DetectionSite {
    const site = this.ports.sites().find((s) => s.siteId === siteId);
    if (site === undefined) throw new HubError('NOT_FOUND', `site ${siteId} is not configured`);
    return site;
  }

  private tickSite(site: DetectionSite, nowMs: number, events: EventChange[]): SiteTick {
    const watermark = this.ports.watermark(site.siteId);
    const cursor = this.store.cursor(site.siteId) ?? null;
    if (watermark === undefined) {
      this.logger.debug({ siteId: site.siteId }, 'site never synced: nothing judged');
      return { siteId: site.siteId, decisionMs: null, classified: 0, pending: 0, finalThrough: cursor };
    }
    const decisionMs = Math.min(nowMs, watermark);
    const z = zone(site.timeZone);
    const today = z.local(decisionMs).date;
    const first = cursor === null ? (this.startDate ?? addDays(today, -1)) : addDays(cursor, 1);
    const dates = [...datesBetween(first, today)];
    const tick: SiteTick = { siteId: site.siteId, decisionMs, classified: 0, pending: 0, finalThrough: cursor };
    if (dates.length === 0) return tick;
    const employeeIds = this.ports.employees(site.siteId).map((e) => e.employeeId);
    const eventsBefore = events.length;
    let allFinal = true;
    for (let i = 0; i < dates.length; i += this.batchDays) {
      const batch = dates.slice(i, i + this.batchDays);
      const evaluations = evaluateDays({ ports: this.ports, zone: z, employeeIds, dates: batch, decisionMs, nowMs });
      const context: BatchContext = { siteId: site.siteId, nowMs, zone: z, advanceCursor: allFinal };
      allFinal = this.store.write(`store ${site.siteId}'s ${batch[0]} to ${batch[batch.length - 1]}`, (): boolean => this.applyBatch(context, batch, evaluations, tick, events));
    }
    const changed = tick.classified > 0 || events.length > eventsBefore;
    this.logger[changed ? 'info' : 'debug']({ ...tick, events: events.length - eventsBefore }, 'detection run');
    return tick;
  }

  /**
   * Stores what became final, moves no-shows, advances the cursor (unless an earlier batch still
   * has instances not over) and raises thresholds, for one batch of dates. Returns whether every
   * date of the batch is final.
   */
  private applyBatch(
    { siteId, nowMs, zone: z, advanceCursor }: BatchContext,
    dates: LocalDate[],
    evaluations: Evaluation[],
    tick: SiteTick,
    events: EventChange[],
  ): boolean {
    const from = dates[0]!;
    const to = dates[dates.length - 1]!;
    const stored = this.store.storedKeys(siteId, from, to);
    const noShows = this.store.siteNoShows(siteId, from, to);
    const notFinal = new Set<LocalDate>();
    const final: FinalClassification[] = [];
    // Indexed: 200,000 evaluations, and for-of allocates per element until the code is optimized.
    for (let i = 0; i < evaluations.length; i++) {
      const { plan, shift, classification: c, noShow } = evaluations[i]!;
      if (c === null || (stored.size > 0 && stored.has(`${plan.employeeId}\u0000${plan.date}`))) continue;
      if (noShow !== null && shift !== null) {
        const existing = noShows.get(plan.employeeId)?.find((e) => e.date === plan.date && e.shiftId === shift.shiftId);
        const changed = applyNoShow(this.store, { employeeId: plan.employeeId, siteId, date: plan.date, shift }, existing, noShow, nowMs, z);
        if (changed !== null) events.push(changed);
      }
      if (isFinal(c)) final.push(c);
      else {
        tick.pending++;
        notFinal.add(plan.date);
      }
    }
    // The stored keys were read in this IMMEDIATE transaction: no other run can have stored these since.
    tick.classified += this.store.insertInstances(final, siteId, nowMs);
    const absentees = new Map<string, string>();
    let firstAbsent: LocalDate | undefined;
    let lastAbsent: LocalDate | undefined;
    for (let i = 0; i < final.length; i++) {
      const c = final[i]!;
      if (c.status !== 'absent') continue;
      absentees.set(c.employeeId, siteId);
      if (firstAbsent === undefined || c.date < firstAbsent) firstAbsent = c.date;
      if (lastAbsent === undefined || c.date > lastAbsent) lastAbsent = c.date;
    }
    let finalThrough: LocalDate | undefined;
    for (const d of dates) {
      if (notFinal.has(d)) break;
      finalThrough = d;
    }
    if (advanceCursor && finalThrough !== undefined) {
      this.store.advanceCursor(siteId, finalThrough, nowMs);
      tick.finalThrough = finalThrough;
    }
    if (firstAbsent !== undefined && lastAbsent !== undefined) {
      for (const e of syncThresholds(this.store, this.history, absentees, { from: firstAbsent, to: lastAbsent }, this.rules, nowMs)) events.push(e);
    }
    return advanceCursor && notFinal.size === 0;
  }
}
