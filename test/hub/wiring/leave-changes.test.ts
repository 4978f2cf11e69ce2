import { afterEach, describe, expect, it } from 'vitest';
import { importSchedules, setAssignment } from '../../../hub/calendar/schedules-store.js';
import type { HubConfig } from '../../../hub/config/load.js';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { LeaveStore } from '../../../hub/leave/store.js';
import { openModules, type HubModules } from '../../../hub/wiring/modules.js';
import type { TerminalHealth } from '../../../protocols/mqtt/contract.js';
import { silent, tempDir } from '../../helpers/temp.js';

const at = (local: string): number => Date.parse(`${local}+08:00`);
const config: Pick<HubConfig, 'sites' | 'detection'> = {
  sites: [{ id: 'plant', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'unused' }] }],
  detection: { intervalSeconds: 60, thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true, startDate: '2026-03-02' },
};
const LEAVE = 'employee,kind,from,to,approved_by,approved_at\nE1,sick,2026-03-02,2026-03-02,hr,2026-03-04T09:00:00+08:00\n';

describe('leave changes reach detection', () => {
  const dir = tempDir('leave-changes-');
  const open: HubDatabase[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });

  /** E1 works 09:00-18:00 on weekdays and never punched; Monday 2 March is judged absent. */
  function hubWithAbsence(file: string): { hub: HubModules; path: string } {
    const path = dir.file(file);
    const db = openHubDatabase({ path, synchronous: 'NORMAL', logger: silent });
    open.push(db);
    const hub = openModules({ db, config, logger: silent, clock: () => at('2026-03-04T10:00:00') });
    hub.directory.importEmployees('id,name,department,manager,site,hire_date,end_date,terminal_ids\nE1,One,,,plant,2020-01-01,,plant:1', { fileName: 'e.csv' });
    importSchedules(db, [
      'shifts:',
      '  - { id: day, start: "09:00", end: "18:00" }',
      'patterns:',
      '  - { id: weekdays, type: weekly, statutory: false, days: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: null, sun: null } }',
    ].join('\n'));
    setAssignment(db, { employee: 'E1', pattern: 'weekdays', from: '2026-01-01', to: null });
    const health: TerminalHealth = {
      v: 1, gateway: 'gw1', deviceSerial: 'SN1', name: 'gate', endpoint: 'tcp://10.0.0.5:4370', online: true, lastSeen: '2026-03-03T15:00:00Z',
      syncedThrough: '2026-03-03T15:00:00Z', clockDriftSeconds: 0, records: 0, recordCapacity: 100_000, users: 1, userCapacity: 3000,
      firmware: 'Ver 6.60', platform: 'ZMM220', backlog: 0, lastError: null, alarms: [], at: '2026-03-03T15:00:00Z',
    };
    hub.health.recordHealth('plant', health, at('2026-03-03T23:00:00'));
    hub.runDetection(at('2026-03-03T23:00:00'));
    expect(status(hub, '2026-03-02')).toBe('absent');
    return { hub, path };
  }

  const status = (hub: HubModules, date: string): string | undefined =>
    (hub.db.prepare("SELECT status FROM detection_instances WHERE employee_id = 'E1' AND date = ?").get(date) as { status: string } | undefined)?.status;

  it('re-judges at once a change made through the hub', () => {
    const { hub } = hubWithAbsence('direct.sqlite');
    hub.leave.importLeave(LEAVE, { fileName: 'leave.csv' });
    expect(status(hub, '2026-03-02')).toBe('on_leave');
    expect(hub.leave.pendingChanges()).toEqual([]);
  });

  it('re-judges at the next detection run a change another process made, and one whose re-judging failed', () => {
    const { hub, path } = hubWithAbsence('later.sqlite');
    // An import from the command line: another connection, with no detection listening.
    const other = openHubDatabase({ path, synchronous: 'NORMAL', logger: silent });
    open.push(other);
    new LeaveStore({ db: other, logger: silent }).importLeave(LEAVE, { fileName: 'leave.csv' });
    expect(status(hub, '2026-03-02')).toBe('absent');
    expect(hub.leave.pendingChanges()).toHaveLength(1);
    hub.runDetection(at('2026-03-04T10:00:00'));
    expect(status(hub, '2026-03-02')).toBe('on_leave');
    expect(hub.leave.pendingChanges()).toEqual([]);

    // Cancelled through the hub while re-judging fails (the database busy, say): stays pending.
    const reclassify = hub.engine.reclassify.bind(hub.engine);
    hub.engine.reclassify = () => {
      throw new Error('database is locked');
    };
    hub.leave.cancelLeave(hub.leave.listLeave()[0]!.id, 'hr');
    expect(status(hub, '2026-03-02')).toBe('on_leave');
    expect(hub.leave.pendingChanges()).toHaveLength(1);
    hub.engine.reclassify = reclassify;
    hub.runDetection(at('2026-03-04T10:01:00'));
    expect(status(hub, '2026-03-02')).toBe('absent');
    expect(hub.leave.pendingChanges()).toEqual([]);
  });
});
