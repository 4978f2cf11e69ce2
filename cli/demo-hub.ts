import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Role } from '../hub/auth/roles.js';
import { importSchedules } from '../hub/calendar/schedules-store.js';
import { parseHubConfig } from '../hub/config/load.js';
import { startHub, type RunningHub } from '../hub/hub.js';
import { addDays, type LocalDate } from '../hub/time/local-date.js';
import type { TerminalUser } from '../protocols/zk/users.js';

export const DEMO_SITE = 'demo-site';
export const DEMO_GATEWAY = 'gw1';
const DEPARTMENTS = ['生产部', '仓储部', '行政部', '质检部'];
/**
 * Two employees enrolled on terminal user ids that never punch: they stopped coming before the
 * demo's history starts, so the ladder has run for them (reminders, the return-to-work notice
 * waiting for HR's approval) by the time the dashboard opens.
 */
const DROPOUTS: ReadonlyArray<readonly [string, string, number]> = [
  ['X1', '张伟', 99_001],
  ['X2', '刘芳', 99_002],
];
/** Days before today the demo's detection judges, so there is a week of history to see. */
const DAYS_JUDGED = 7;
/** The demo's dashboard accounts: user name, role, name shown. */
export const DEMO_ACCOUNTS: ReadonlyArray<readonly [string, Role, string]> = [
  ['hr', 'hr', '人事 (HR)'],
  ['facilities', 'facilities', '设备 (Facilities)'],
  ['admin', 'admin', '管理员 (Admin)'],
];

/**
 * The demo's hub: embedded broker (the gateway signs in with a password), the API and dashboard
 * with an account per role, and a directory
 * made from the simulated terminal's users on an office week (09:00-17:00, statutory calendar), so
 * detection has people to judge from the first run.
 */
export async function startDemoHub(options: {
  dataDir: string;
  mqttPort: number;
  apiPort: number;
  timeZone: string;
  /** Today at the site: detection judges the week before it. */
  today: LocalDate;
  gatewayPassword: string;
  /** The password of the demo's dashboard accounts (DEMO_ACCOUNTS). */
  dashboardPassword: string;
  users: readonly TerminalUser[];
  logger: Logger;
}): Promise<RunningHub> {
  writeFileSync(join(options.dataDir, 'gw1-password.txt'), `${options.gatewayPassword}\n`, { mode: 0o600 });
  const config = parseHubConfig(
    [
      'database: { path: ./hub.sqlite, synchronous: NORMAL }',
      `broker: { embedded: { host: 127.0.0.1, port: ${options.mqttPort} } }`,
      'sites:',
      `  - { id: ${DEMO_SITE}, name: Demo site, timeZone: "${options.timeZone}", gateways: [{ id: ${DEMO_GATEWAY}, passwordFile: ./gw1-password.txt }] }`,
      `detection: { intervalSeconds: 10, startDate: "${addDays(options.today, -DAYS_JUDGED)}" }`,
      `api: { host: 127.0.0.1, port: ${options.apiPort} }`,
      'logLevel: warn',
    ].join('\n'),
    options.dataDir,
    'the demo hub configuration',
  );
  const hub = await startHub(config, { logger: options.logger });
  try {
    // One account per role, all with the demo's password, to click through the dashboard with.
    for (const [username, role, displayName] of DEMO_ACCOUNTS) hub.api?.accounts.create({ username, role, displayName, password: options.dashboardPassword }, Date.now());
    const rows = options.users.map((u, i) => `${employeeId(u)},${csvField(u.name)},${DEPARTMENTS[i % DEPARTMENTS.length]},,${DEMO_SITE},2020-01-06,,${DEMO_SITE}:${u.userId}`);
    const manager = options.users[0] === undefined ? '' : employeeId(options.users[0]);
    for (const [id, name, terminalUser] of DROPOUTS) rows.push(`${id},${name},生产部,${manager},${DEMO_SITE},2021-03-01,,${DEMO_SITE}:${terminalUser}`);
    hub.modules.directory.importEmployees(['id,name,department,manager,site,hire_date,end_date,terminal_ids', ...rows].join('\n'), { fileName: 'demo-employees.csv' });
    importSchedules(
      hub.db,
      [
        'shifts:',
        '  - { id: office, name: Office, start: "09:00", end: "17:00", graceLateMinutes: 5, graceEarlyMinutes: 5 }',
        'patterns:',
        '  - { id: office-week, type: weekly, statutory: true, days: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: null, sun: null } }',
        'assignments:',
        ...[...options.users.map(employeeId), ...DROPOUTS.map(([id]) => id)].map((id) => `  - { employee: "${id}", pattern: office-week, from: 2020-01-06 }`),
      ].join('\n'),
      'demo-schedules.yaml',
    );
  } catch (err) {
    await hub.stop();
    throw err;
  }
  return hub;
}

function employeeId(u: TerminalUser): string {
  return `D${u.userId}`;
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
