import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { importSchedules } from '../hub/calendar/schedules-store.js';
import { parseHubConfig } from '../hub/config/load.js';
import { startHub, type RunningHub } from '../hub/hub.js';
import type { TerminalUser } from '../protocols/zk/users.js';

export const DEMO_SITE = 'demo-site';
export const DEMO_GATEWAY = 'gw1';
const DEPARTMENTS = ['生产部', '仓储部', '行政部', '质检部'];

/**
 * The demo's hub: embedded broker (the gateway signs in with a password), the API, and a directory
 * made from the simulated terminal's users on an office week (09:00-17:00, statutory calendar), so
 * detection has people to judge from the first run.
 */
export async function startDemoHub(options: {
  dataDir: string;
  mqttPort: number;
  apiPort: number;
  timeZone: string;
  gatewayPassword: string;
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
      'detection: { intervalSeconds: 30 }',
      `api: { host: 127.0.0.1, port: ${options.apiPort} }`,
      'logLevel: warn',
    ].join('\n'),
    options.dataDir,
    'the demo hub configuration',
  );
  const hub = await startHub(config, { logger: options.logger });
  try {
    const rows = options.users.map((u, i) => `${employeeId(u)},${csvField(u.name)},${DEPARTMENTS[i % DEPARTMENTS.length]},,${DEMO_SITE},2020-01-06,,${DEMO_SITE}:${u.userId}`);
    hub.modules.directory.importEmployees(['id,name,department,manager,site,hire_date,end_date,terminal_ids', ...rows].join('\n'), { fileName: 'demo-employees.csv' });
    importSchedules(
      hub.db,
      [
        'shifts:',
        '  - { id: office, name: Office, start: "09:00", end: "17:00", graceLateMinutes: 5, graceEarlyMinutes: 5 }',
        'patterns:',
        '  - { id: office-week, type: weekly, statutory: true, days: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: null, sun: null } }',
        'assignments:',
        ...options.users.map((u) => `  - { employee: "${employeeId(u)}", pattern: office-week, from: 2020-01-06 }`),
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
