import type { Logger } from 'pino';
import { createPlanner, type Planner } from '../calendar/planner.js';
import type { HubConfig } from '../config/load.js';
import type { HubDatabase } from '../db/database.js';
import { DetectionEngine, type ReclassifyResult, type TickResult } from '../detection/engine.js';
import { DetectionReports } from '../detection/reports.js';
import { Directory } from '../directory/directory.js';
import { HubError } from '../errors.js';
import { HealthStore } from '../ingest/health-store.js';
import { PunchStore } from '../ingest/punch-store.js';
import { LeaveStore } from '../leave/store.js';
import type { LeaveChange } from '../leave/types.js';
import type { LocalDate } from '../time/local-date.js';
import { zone } from '../time/zone.js';
import { HubDetectionPorts } from './detection-ports.js';
import { PunchPrefetch } from './punch-prefetch.js';

export interface HubModules {
  db: HubDatabase;
  directory: Directory;
  leave: LeaveStore;
  planner: Planner;
  punches: PunchStore;
  health: HealthStore;
  ports: HubDetectionPorts;
  engine: DetectionEngine;
  reports: DetectionReports;
  /** One detection run: re-judges leave changes still pending, then judges every site up to min(now, watermark). */
  runDetection(nowMs?: number): TickResult;
  /** Re-judges an employee's dates (leave approved or cancelled later, a late punch). */
  reclassify(employeeId: string, from: LocalDate, to: LocalDate, nowMs?: number): ReclassifyResult;
  /** Starts the punch prefetch worker now (a long-running hub at start; others start it at the first detection run). */
  startWorkers(): void;
  /** Stops the punch prefetch worker; the database stays open (its owner closes it). */
  close(): Promise<void>;
}

export interface ModulesOptions {
  db: HubDatabase;
  config: Pick<HubConfig, 'sites' | 'detection'>;
  logger: Logger;
  /** The hub's MQTT client id, recorded on each batch it stores. */
  hubId?: string;
  clock?: () => number;
}

/**
 * Everything of the hub that lives on its database, wired together: the directory, leave, the
 * calendar's planner, punches and health, and detection reading them through its ports. A leave
 * change re-judges the dates it covers at once.
 */
export function openModules(options: ModulesOptions): HubModules {
  const { db, config, logger } = options;
  const clock = options.clock ?? Date.now;
  const zones = new Map(config.sites.map((s) => [s.id, zone(s.timeZone)]));
  const directory = new Directory({ db, logger, now: clock });
  const leave = new LeaveStore({ db, logger, now: clock });
  const planner = createPlanner(db, {
    zoneOf: (site) => {
      const z = zones.get(site);
      if (z === undefined) throw new Error(`site "${site}" is not in the hub's configuration`);
      return z;
    },
  });
  const punches = new PunchStore(db, options.hubId);
  const health = new HealthStore(db);
  const prefetch = PunchPrefetch.forDatabase(db, logger);
  const ports = new HubDetectionPorts({ db, sites: config.sites, leave, planner, health, ...(prefetch === undefined ? {} : { prefetch }) });
  const rules = { thresholds: config.detection.thresholds, restBreaksRun: config.detection.restBreaksRun, leaveBreaksRun: config.detection.leaveBreaksRun };
  const engine = new DetectionEngine({ db, ports, logger, clock, ...rules, ...(config.detection.startDate === undefined ? {} : { startDate: config.detection.startDate }) });
  const reports = new DetectionReports({ db, ports, ...rules });
  const reclassify = (employeeId: string, from: LocalDate, to: LocalDate, nowMs = clock()): ReclassifyResult => engine.reclassify(employeeId, from, to, nowMs);
  /** Re-judges the dates of a leave change and marks it judged; a failure is logged and the change stays pending. */
  const judge = (change: LeaveChange): void => {
    try {
      const result = reclassify(change.employeeId, change.from, change.to);
      leave.markJudged(change.id);
      if (result.instances.length > 0 || result.events.length > 0) {
        logger.info({ employee: change.employeeId, from: change.from, to: change.to, instances: result.instances.length, events: result.events.length }, 'leave change re-judged past days');
      }
    } catch (err) {
      if (err instanceof HubError && err.code === 'NOT_FOUND') {
        // An employee or site this hub does not judge: nothing to re-judge, now or later.
        logger.warn({ err, change }, 'a leave change names an employee or site this hub does not judge; marked judged');
        leave.markJudged(change.id);
        return;
      }
      logger.error({ err, change }, 'could not re-judge the days of a leave change; the next detection run tries again');
    }
  };
  leave.onChange(judge);
  /** Changes recorded but not judged: a failure above, a stop before it, or another process's import. */
  const judgePending = (): void => {
    for (const change of leave.pendingChanges()) judge(change);
  };
  return {
    db, directory, leave, planner, punches, health, ports, engine, reports,
    runDetection: (nowMs = clock()) => {
      judgePending();
      return engine.tick(nowMs);
    },
    reclassify,
    startWorkers: () => prefetch?.start(),
    close: async () => prefetch?.close(),
  };
}
