import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { punchId } from '../../agent/store/punch-id.js';
import { importSchedulesFile } from '../../hub/calendar/schedules-store.js';
import { parseHubConfig } from '../../hub/config/load.js';
import { openHubDatabase, type HubDatabase } from '../../hub/db/database.js';
import { parseInbound } from '../../hub/ingest/messages.js';
import { openModules, type HubModules } from '../../hub/wiring/modules.js';
import type { TerminalHealth } from '../../protocols/mqtt/contract.js';
import { silent, tempDir } from '../helpers/temp.js';

/**
 * The fixture company (fixtures/hub/company) through three weeks around the 2026 National Day
 * holiday. Every expected status and count below is written out by hand from the punches listed
 * here and the calendar in the fixture's README.
 */
const FIXTURE = 'fixtures/hub/company';
const at = (local: string): number => Date.parse(`${local}+08:00`);

type Terminal = { site: string; gateway: string; serial: string };
const GATE: Terminal = { site: 'shanghai-plant', gateway: 'gw1', serial: 'SH-GATE' };
const SHOP: Terminal = { site: 'shanghai-plant', gateway: 'gw2', serial: 'SH-SHOP' };
const DOOR: Terminal = { site: 'suzhou-warehouse', gateway: 'gw1', serial: 'SZ-DOOR' };
const USER: Record<string, string> = { M01: '1', E01: '11', E02: '12', E03: '13', E04: '14', E07: '15', E08: '16', E09: '17', E05: '21', E06: '22' };

// Office working days of the period: Sat 10-10 is a make-up working day; 10-01..10-07 holiday; Sun 10-11 rest.
const WORKDAYS = ['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16'];
// Night crew (Monday to Thursday nights, through holidays): 22:00 on the date to 06:00 the next day.
const NIGHTS = ['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-01', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15'];

interface Punch { who: string; terminal: Terminal; local: string }

/** Every punch of the period, by hand. */
function allPunches(): Punch[] {
  const out: Punch[] = [];
  const office = (who: string, terminal: Terminal, date: string, inAt = '08:2' + (Number(USER[who]) % 10), outAt = '17:3' + (Number(USER[who]) % 10)) => {
    if (inAt !== '') out.push({ who, terminal, local: `${date}T${inAt}:00` });
    if (outAt !== '') out.push({ who, terminal, local: `${date}T${outAt}:00` });
  };
  for (const d of WORKDAYS) {
    office('M01', GATE, d);
    office('E01', GATE, d, d === '2026-09-29' ? '08:41' : undefined); // late on 09-29
    if (d < '2026-10-08') office('E02', GATE, d); // stops coming after the holiday
    if (d >= '2026-10-08') office('E04', GATE, d); // missing 09-28..09-30 (sick leave approved later)
    office('E05', DOOR, d, d === '2026-10-12' ? '08:27' : undefined, d === '2026-10-12' ? '17:33' : undefined);
    if (d !== '2026-10-12') office('E06', DOOR, d); // absent on 10-12, while the Suzhou gateway is offline
    office('E07', GATE, d, undefined, d === '2026-10-09' ? '12:02' : undefined); // afternoon leave on 10-09
    office('E08', GATE, d, undefined, d === '2026-10-09' ? '' : undefined); // forgot to punch out on 10-09
    office('E09', GATE, d, d === '2026-10-09' ? '08:20' : undefined, d === '2026-10-09' ? '16:50' : undefined); // left early on 10-09
  }
  for (const d of NIGHTS) {
    const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const [inAt, outAt] = d === '2026-09-28' ? ['21:55', '06:03'] : d === '2026-09-29' ? ['22:20', '06:01'] : d === '2026-09-30' ? ['21:50', '05:30'] : ['21:58', '06:02'];
    out.push({ who: 'E03', terminal: SHOP, local: `${d}T${inAt}:00` }, { who: 'E03', terminal: SHOP, local: `${next}T${outAt}:00` });
  }
  return out;
}

describe('fixture company: classifications, no-shows and absence counts around National Day 2026', () => {
  const dir = tempDir('company-');
  let db: HubDatabase;
  let hub: HubModules;
  let now = at('2026-10-12T10:00:00');
  const punches = allPunches();
  const delivered = new Set<Punch>();

  const deliver = (until: number, terminals: readonly Terminal[]): void => {
    for (const t of terminals) {
      const batch = punches.filter((p) => p.terminal === t && !delivered.has(p) && at(p.local) <= until);
      if (batch.length > 0) {
        const topic = `rollcall/v1/${t.site}/${t.gateway}/punches`;
        const payload = JSON.stringify({
          v: 1, gateway: t.gateway, epoch: 1, seqFrom: 1, seqTo: batch.length,
          punches: batch.map((p) => ({ id: punchId(t.serial, USER[p.who]!, p.local, 0), deviceSerial: t.serial, userId: USER[p.who]!, at: `${p.local}+08:00`, state: 0, verify: 1, workcode: 0, source: 'poll' })),
        });
        const message = parseInbound(topic, Buffer.from(payload), now);
        if (message.kind !== 'punches' || message.rejects.length > 0) throw new Error(`bad fixture batch: ${JSON.stringify(message).slice(0, 300)}`);
        hub.punches.storeBatch(message, topic, now);
        for (const p of batch) delivered.add(p);
      }
      const health: TerminalHealth = {
        v: 1, gateway: t.gateway, deviceSerial: t.serial, name: t.serial, endpoint: 'tcp://10.0.0.5:4370', online: true, lastSeen: new Date(until).toISOString(),
        syncedThrough: new Date(until).toISOString(), clockDriftSeconds: 0, records: 0, recordCapacity: 100_000, users: 10, userCapacity: 3000,
        firmware: 'Ver 6.60', platform: 'ZMM220', backlog: 0, lastError: null, alarms: [], at: new Date(until).toISOString(),
      };
      hub.health.recordHealth(t.site, health, now);
    }
  };
  const status = (who: string, date: string): string | undefined =>
    (db.prepare('SELECT status FROM detection_instances WHERE employee_id = ? AND date = ?').get(who, date) as { status: string } | undefined)?.status;
  const instance = (who: string, date: string) =>
    db.prepare('SELECT status, day_kind AS dayKind, late_minutes AS late, early_minutes AS early, leave_minutes AS leave, punch_count AS punches FROM detection_instances WHERE employee_id = ? AND date = ?').get(who, date);
  const events = (kind: string) =>
    db.prepare('SELECT employee_id AS who, date, state FROM detection_events WHERE kind = ? ORDER BY employee_id, date').all(kind) as Array<{ who: string; date: string; state: string }>;
  /** Threshold events: dated by the run's first day (consecutive) or the month's first day, with the dates that reached them. */
  const thresholds = (kind: string) =>
    (db.prepare('SELECT employee_id AS who, date, dates, state FROM detection_events WHERE kind = ? ORDER BY employee_id, date').all(kind) as Array<{ who: string; date: string; dates: string; state: string }>).map((e) => ({ ...e, dates: JSON.parse(e.dates) as string[] }));

  beforeAll(() => {
    const config = parseHubConfig(readFileSync(`${FIXTURE}/hub.yaml`, 'utf8'), dir.dir, 'hub.yaml');
    db = openHubDatabase({ path: config.database.path, synchronous: 'NORMAL', logger: silent });
    hub = openModules({ db, config, logger: silent, clock: () => now });
    hub.directory.importEmployees(readFileSync(`${FIXTURE}/employees.csv`), { fileName: 'employees.csv' });
    importSchedulesFile(db, `${FIXTURE}/schedules.yaml`);
    hub.leave.importLeave(readFileSync(`${FIXTURE}/leave.csv`), { fileName: 'leave.csv' });
  });
  afterAll(() => {
    db.close();
    dir.cleanup();
  });

  it('10-12 10:00, Suzhou gateway offline since 07:00: Shanghai no-shows are raised, Suzhou is not judged absent', () => {
    deliver(at('2026-10-12T09:59:00'), [GATE, SHOP]);
    deliver(at('2026-10-12T07:00:00'), [DOOR]);
    hub.runDetection(now);
    expect(events('no_show').filter((e) => e.date === '2026-10-12')).toEqual([{ who: 'E02', date: '2026-10-12', state: 'open' }]);
    // Nothing at Suzhou for 10-12 is judged yet: E05 punched at 08:27, but that punch is still at the edge.
    expect(status('E05', '2026-10-12')).toBeUndefined();
    expect(status('E06', '2026-10-12')).toBeUndefined();
  });

  it('12:06, the Suzhou gateway is back and delivers: E06 gets a no-show, E05 none', () => {
    now = at('2026-10-12T12:06:00');
    deliver(at('2026-10-12T12:05:00'), [GATE, SHOP, DOOR]);
    hub.runDetection(now);
    expect(events('no_show').filter((e) => e.date === '2026-10-12')).toEqual([
      { who: 'E02', date: '2026-10-12', state: 'open' },
      { who: 'E06', date: '2026-10-12', state: 'open' },
    ]);
  });

  it('after 10-16: every shift instance judged as written out by hand', () => {
    now = at('2026-10-17T00:30:00');
    deliver(at('2026-10-17T00:29:00'), [GATE, SHOP, DOOR]);
    hub.runDetection(now);
    expect(instance('M01', '2026-09-28')).toEqual({ status: 'present', dayKind: 'work', late: 0, early: 0, leave: 0, punches: 2 });
    expect(instance('E01', '2026-09-29')).toEqual({ status: 'late', dayKind: 'work', late: 11, early: 0, leave: 0, punches: 2 });
    expect(instance('E01', '2026-10-03')).toMatchObject({ status: 'rest', dayKind: 'holiday' });
    expect(instance('E01', '2026-10-10')).toMatchObject({ status: 'present', dayKind: 'work' }); // make-up Saturday
    expect(instance('E01', '2026-10-11')).toMatchObject({ status: 'rest', dayKind: 'rest' });
    for (const d of ['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16']) expect(status('E02', d), d).toBe('absent');
    expect(status('E02', '2026-10-11')).toBe('rest');
    // Night crew: 22:00-06:00 across midnight, a holiday night worked.
    expect(instance('E03', '2026-09-28')).toMatchObject({ status: 'present', punches: 2 });
    expect(instance('E03', '2026-09-29')).toMatchObject({ status: 'late', late: 20 });
    expect(instance('E03', '2026-09-30')).toMatchObject({ status: 'early_leave', early: 30 });
    expect(instance('E03', '2026-10-01')).toMatchObject({ status: 'present', dayKind: 'work' });
    expect(instance('E03', '2026-10-02')).toMatchObject({ status: 'rest', dayKind: 'rest' });
    for (const d of ['2026-09-28', '2026-09-29', '2026-09-30']) expect(status('E04', d), d).toBe('absent');
    expect(status('E04', '2026-10-08')).toBe('present');
    expect(instance('E05', '2026-10-12')).toMatchObject({ status: 'present', punches: 2 });
    expect(status('E06', '2026-10-12')).toBe('absent');
    expect(instance('E07', '2026-10-09')).toMatchObject({ status: 'present', leave: 330 }); // leave 12:00-17:30, out at 12:02
    expect(instance('E08', '2026-10-09')).toMatchObject({ status: 'missing_punch', punches: 1 });
    expect(instance('E09', '2026-10-09')).toMatchObject({ status: 'early_leave', early: 40 });
  });

  it('counts consecutive and monthly absent working days and raises each threshold once', () => {
    const absences = new Map(hub.reports.absences({ from: '2026-09-28', to: '2026-10-16' }).map((a) => [a.employeeId, a]));
    // E02: 10-08, 10-09, 10-10 (make-up Saturday), 10-12..10-16; Sunday 10-11 neither counts nor breaks the run.
    expect(absences.get('E02')).toMatchObject({ absentDays: 8, run: { days: 8, firstDate: '2026-10-08' }, months: [{ month: '2026-10', absentDays: 8 }] });
    // E04: 09-28..09-30, then present on 10-08: the holiday week between did not end the run, attendance did.
    expect(absences.get('E04')).toMatchObject({ absentDays: 3, run: { days: 0 }, months: [{ month: '2026-09', absentDays: 3 }] });
    expect(absences.get('E06')).toMatchObject({ absentDays: 1, run: { days: 0 } });
    // The report lists the people with absences: seven of the ten were never absent.
    expect([...absences.keys()].sort()).toEqual(['E02', 'E04', 'E06']);
    expect(thresholds('consecutive')).toEqual([
      // The third absent working day is the make-up Saturday.
      { who: 'E02', date: '2026-10-08', dates: ['2026-10-08', '2026-10-09', '2026-10-10'], state: 'open' },
      { who: 'E04', date: '2026-09-28', dates: ['2026-09-28', '2026-09-29', '2026-09-30'], state: 'open' },
    ]);
    expect(thresholds('monthly')).toEqual([{ who: 'E02', date: '2026-10-01', dates: ['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13'], state: 'open' }]);
    // Running again changes nothing.
    hub.runDetection(now);
    expect(thresholds('consecutive')).toHaveLength(2);
  });

  it('sick leave approved after the fact turns E04\'s days into leave and withdraws the threshold event', () => {
    now = at('2026-10-17T09:00:00');
    hub.leave.importLeave(readFileSync(`${FIXTURE}/leave-late.csv`), { fileName: 'leave-late.csv' });
    for (const d of ['2026-09-28', '2026-09-29', '2026-09-30']) expect(status('E04', d), d).toBe('on_leave');
    expect(events('consecutive')).toEqual([
      { who: 'E02', date: '2026-10-08', state: 'open' },
      { who: 'E04', date: '2026-09-28', state: 'withdrawn' },
    ]);
    expect(hub.reports.absences({ from: '2026-09-01', to: '2026-10-16' }).map((a) => a.employeeId)).toEqual(['E02', 'E06']);
    expect(events('no_show').filter((e) => e.who === 'E04').every((e) => e.state === 'resolved')).toBe(true);
  });
});
