import type { HubConfig } from '../../../hub/config/load.js';

/** A Shanghai local time as an instant. */
export const at = (local: string): number => Date.parse(`${local}+08:00`);

/** Two sites in Shanghai, one gateway each, default detection rules. */
export const TWO_SITES: Pick<HubConfig, 'sites' | 'detection'> = {
  sites: [
    { id: 'north', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'unused' }] },
    { id: 'south', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'unused' }] },
  ],
  detection: { intervalSeconds: 60, thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true },
};

/** The employee import's CSV header. */
export const EMPLOYEE_HEADER = 'id,name,department,manager,site,hire_date,end_date,terminal_ids';
