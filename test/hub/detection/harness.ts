import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { DetectionEngine, type DetectionOptions } from '../../../hub/detection/engine.js';
import { DETECTION_MIGRATIONS } from '../../../hub/detection/schema.js';
import { DetectionStore, type EventRow } from '../../../hub/detection/store.js';
import type { ClassifiedInstance } from '../../../hub/detection/types.js';
import { silent, tempDir } from '../../helpers/temp.js';
import { datesBetween } from '../../../hub/time/local-date.js';
import { at, FakePorts } from './fakes.js';

export interface Harness {
  ports: FakePorts;
  db: HubDatabase;
  engine: DetectionEngine;
  path: string;
  /** Opens another engine on another connection to the same file (a restart, or a second hub process). */
  another(options?: Partial<DetectionOptions>): { db: HubDatabase; engine: DetectionEngine };
  instances(employeeId?: string): ClassifiedInstance[];
  events(kind?: string): EventRow[];
  /** Runs the engine at 23:00 of each date from..to (site s1 synced to then), as a daily hub would. */
  daily(from: string, to: string): void;
  /** Every row of the detection tables, for comparing before and after a re-run. */
  snapshot(): unknown;
  /** Closes every connection and removes the folder; closing twice is harmless. */
  close(): void;
}

/** A real SQLite file in a temp folder with detection's tables, fake ports and an engine. */
export function harness(employees: readonly string[] = ['e1'], options: Partial<DetectionOptions> = {}): Harness {
  const tmp = tempDir('rollcall-detection-');
  const path = tmp.file('hub.sqlite');
  const open = (): HubDatabase => openHubDatabase({ path, logger: silent, migrations: DETECTION_MIGRATIONS, synchronous: 'NORMAL' });
  const ports = new FakePorts(employees);
  const db = open();
  const dbs = [db];
  const make = (d: HubDatabase, extra: Partial<DetectionOptions> = {}): DetectionEngine =>
    new DetectionEngine({ db: d, ports, logger: silent, startDate: '2026-03-02', ...options, ...extra });
  const store = new DetectionStore(db);
  const engine = make(db);
  return {
    ports,
    db,
    engine,
    path,
    another(extra) {
      const d = open();
      dbs.push(d);
      return { db: d, engine: make(d, extra) };
    },
    instances: (employeeId = 'e1') => store.employeeInstances(employeeId, '0000-01-01', '9999-12-31'),
    events: (kind) => db.prepare('SELECT * FROM detection_events WHERE @kind IS NULL OR kind = @kind ORDER BY event_id').all({ kind: kind ?? null }) as EventRow[],
    daily(from, to) {
      for (const d of datesBetween(from, to)) {
        ports.watermarks.set('s1', at(d, '23:00'));
        engine.tick(at(d, '23:00'));
      }
    },
    snapshot: () => ({
      instances: db.prepare('SELECT * FROM detection_instances ORDER BY employee_id, date, shift_id').all(),
      events: db.prepare('SELECT * FROM detection_events ORDER BY event_id').all(),
      cursors: db.prepare('SELECT * FROM detection_cursors ORDER BY site_id').all(),
    }),
    close() {
      for (const d of dbs.splice(0)) d.close();
      tmp.cleanup();
    },
  };
}
