import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { importSchedules, setAssignment } from '../../../hub/calendar/schedules-store.js';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { HubDetectionPorts } from '../../../hub/wiring/detection-ports.js';
import { openModules, type HubModules } from '../../../hub/wiring/modules.js';
import { PunchPrefetch, type PunchSpan } from '../../../hub/wiring/punch-prefetch.js';
import { groupPunchWindow, PUNCH_WINDOW_SQL, type PunchWindow } from '../../../hub/wiring/punch-window.js';
import { silent, tempDir } from '../../helpers/temp.js';
import { at, EMPLOYEE_HEADER, TWO_SITES } from './two-sites.js';

const config = TWO_SITES;
const HEADER = EMPLOYEE_HEADER;
/** More than the ports look up one by one: the window is read whole. */
const PEOPLE = 40;
const FROM = at('2026-03-31T00:00:00');
const TO = at('2026-04-01T23:59:00');

describe('punch windows read on a worker thread', () => {
  const dir = tempDir('prefetch-');
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** A hub database with a shift, PEOPLE employees at north (P0 held user 1 until March, Q0 from April) and one person at both sites. */
  function seeded(file: string): HubModules {
    const db = openHubDatabase({ path: dir.file(file), synchronous: 'NORMAL', logger: silent });
    const h = openModules({ db, config, logger: silent });
    cleanup.push(() => db.close(), () => h.close());
    const rows = [HEADER, 'P0,Old holder,,,north,2020-01-01,2026-03-31,north:1', 'Q0,New holder,,,north,2026-04-01,,north:1', 'C,Two sites,,,north,2020-01-01,,north:500;south:3'];
    for (let i = 1; i < PEOPLE; i++) rows.push(`P${i},Person ${i},,,north,2020-01-01,,north:${i + 1}`);
    h.directory.importEmployees(rows.join('\n'), { fileName: 'people.csv' });
    importSchedules(db, ['shifts:', '  - { id: day, start: "09:00", end: "18:00" }', 'patterns:', '  - { id: days, type: weekly, statutory: false, days: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: null, sun: null } }'].join('\n'));
    for (const e of h.ports.employees()) setAssignment(db, { employee: e.employeeId, pattern: 'days', from: '2026-01-01', to: null });
    const insert = db.prepare(`INSERT INTO punches (id, site, gateway, device_serial, user_id, at, at_ms, state, verify, workcode, source, epoch, received_ms)
      VALUES (?, ?, 'gw1', 'SN', ?, ?, ?, 0, 1, 0, 'poll', 1, 0)`);
    const punch = (site: string, userId: string, local: string): unknown => insert.run(`${site}-${userId}-${local}`, site, userId, `${local}+08:00`, at(local));
    for (let u = 1; u <= PEOPLE; u++) {
      punch('north', String(u), '2026-03-31T08:50:00');
      punch('north', String(u), '2026-03-31T18:02:00');
      punch('north', String(u), '2026-04-01T08:57:00');
    }
    punch('north', '500', '2026-03-31T07:59:00');
    punch('south', '3', '2026-03-31T08:00:00');
    punch('north', '999', '2026-03-31T09:00:00'); // nobody's
    punch('north', '2', '2026-03-30T23:00:00'); // before the span
    return h;
  }

  function inline(db: HubDatabase, site: string, fromMs: number, toMs: number): PunchWindow {
    const users = db.prepare<[string, number, number], string>(PUNCH_WINDOW_SQL.users).pluck().all(site, fromMs, toMs);
    const times = db.prepare<[string, number, number], number>(PUNCH_WINDOW_SQL.times).pluck().all(site, fromMs, toMs);
    return groupPunchWindow(users, times);
  }

  function prefetcher(path: string, logger = silent): PunchPrefetch {
    const p = new PunchPrefetch({ path, logger, timeoutMs: 5000 });
    cleanup.push(() => p.close());
    return p;
  }

  /** Ports that read through `prefetch`, recording what each take handed over. */
  function portsWith(h: HubModules, prefetch: PunchPrefetch): { ports: HubDetectionPorts; taken: Array<Map<string, PunchWindow> | undefined> } {
    const taken: Array<Map<string, PunchWindow> | undefined> = [];
    const take = prefetch.take.bind(prefetch);
    prefetch.take = (spans: readonly PunchSpan[]) => {
      const got = take(spans);
      taken.push(got);
      return got;
    };
    return { ports: new HubDetectionPorts({ db: h.db, sites: config.sites, leave: h.leave, planner: h.planner, health: h.health, prefetch }), taken };
  }

  it('groups a window by user id, each user\'s instants ascending, exactly as the main thread reads it', () => {
    const h = seeded('group.sqlite');
    const north = inline(h.db, 'north', FROM, TO);
    expect(north.users.slice(0, 3)).toEqual(['1', '10', '11']);
    expect([...north.times.subarray(0, north.ends[0])]).toEqual([at('2026-03-31T08:50:00'), at('2026-03-31T18:02:00'), at('2026-04-01T08:57:00')]);
    expect(north.ends.at(-1)).toBe(north.times.length);

    const p = prefetcher(dir.file('group.sqlite'));
    const spans = [{ site: 'north', fromMs: FROM, toMs: TO }, { site: 'south', fromMs: FROM, toMs: TO }];
    p.request(spans);
    const got = p.take(spans);
    expect(got?.get('north')).toEqual(north);
    expect(got?.get('south')).toEqual(inline(h.db, 'south', FROM, TO));
  });

  it('gives detection the same punches through the worker as without it, for the span asked within a wider read', () => {
    const h = seeded('ports.sqlite');
    const everyone = h.ports.employees().map((e) => e.employeeId);
    // The shift's window opens at 07:00.
    const opens = at('2026-03-31T07:00:00');
    expect(h.planner.windowSpan([{ id: 'P1', site: 'north', hireDate: null, endDate: null }], ['2026-03-31', '2026-04-01'])?.fromMs).toBe(opens);
    const expected = Object.fromEntries(h.ports.punches(opens, at('2026-03-31T12:00:00'), everyone));
    expect(expected.P0).toEqual([at('2026-03-31T08:50:00')]);
    expect(expected.Q0).toBeUndefined();
    expect(expected.C).toEqual([at('2026-03-31T07:59:00'), at('2026-03-31T08:00:00')]);

    const { ports, taken } = portsWith(h, prefetcher(dir.file('ports.sqlite')));
    // The whole of both dates' shift windows is read; detection then asks for the morning only.
    ports.prefetchPunches(everyone, ['2026-03-31', '2026-04-01'], TO);
    expect(Object.fromEntries(ports.punches(opens, at('2026-03-31T12:00:00'), everyone))).toEqual(expected);
    expect(taken).toHaveLength(1);
    expect(taken[0]?.get('north')?.times.length).toBeGreaterThan(PEOPLE * 3);
  });

  it('reads on the main thread when nothing was prefetched for the span, or the prefetched read does not cover it', () => {
    const h = seeded('uncovered.sqlite');
    const everyone = h.ports.employees().map((e) => e.employeeId);
    const { ports, taken } = portsWith(h, prefetcher(dir.file('uncovered.sqlite')));
    const expected = Object.fromEntries(h.ports.punches(FROM, TO, everyone));
    expect(Object.fromEntries(ports.punches(FROM, TO, everyone))).toEqual(expected);
    // Shift windows of 2026-04-01 only: the span from 2026-03-31 is not covered.
    ports.prefetchPunches(everyone, ['2026-04-01'], TO);
    expect(Object.fromEntries(ports.punches(FROM, TO, everyone))).toEqual(expected);
    expect(taken).toEqual([undefined, undefined]);
  });

  it('falls back to the main thread, logged, when the worker cannot read the database', () => {
    const h = seeded('fallback.sqlite');
    const logged: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => logged.push(line) });
    const { ports, taken } = portsWith(h, prefetcher(dir.file('missing.sqlite'), logger));
    const everyone = h.ports.employees().map((e) => e.employeeId);
    const [opens, noon] = [at('2026-03-31T07:00:00'), at('2026-04-01T12:00:00')];
    const expected = Object.fromEntries(h.ports.punches(opens, noon, everyone));
    ports.prefetchPunches(everyone, ['2026-03-31', '2026-04-01'], TO);
    expect(Object.fromEntries(ports.punches(opens, noon, everyone))).toEqual(expected);
    expect(taken).toEqual([undefined]);
    const warning = logged.map((line) => JSON.parse(line) as { msg: string; reason?: string }).find((l) => l.msg.includes('reading on the main thread'));
    expect(warning?.reason).toMatch(/^cannot open the database .*missing\.sqlite: unable to open database file$/);
  });

  it('drops a reply nobody took, answers the latest request, and does nothing once closed', async () => {
    const h = seeded('stale.sqlite');
    const p = prefetcher(dir.file('stale.sqlite'));
    const morning = [{ site: 'north', fromMs: FROM, toMs: at('2026-03-31T12:00:00') }];
    const day = [{ site: 'north', fromMs: FROM, toMs: TO }];
    p.request(morning);
    p.request(day);
    expect(p.take(day)?.get('north')).toEqual(inline(h.db, 'north', FROM, TO));
    // Taken once: a second take has nothing under way.
    expect(p.take(day)).toBeUndefined();
    await p.close();
    p.request(day);
    expect(p.take(day)).toBeUndefined();
  });

  it('is not used for an in-memory database, which no other connection can open', () => {
    const db = openHubDatabase({ path: ':memory:', logger: silent });
    cleanup.push(() => db.close());
    expect(PunchPrefetch.forDatabase(db, silent)).toBeUndefined();
    const file = openHubDatabase({ path: dir.file('file.sqlite'), logger: silent });
    cleanup.push(() => file.close());
    expect(PunchPrefetch.forDatabase(file, silent)).toBeInstanceOf(PunchPrefetch);
  });
});
