import { AUTH_MIGRATIONS } from '../auth/schema.js';
import { CALENDAR_MIGRATIONS } from '../calendar/schema.js';
import { CHANNEL_MIGRATIONS } from '../cases/channels/schema.js';
import { CASES_MIGRATIONS } from '../cases/schema.js';
import { DETECTION_MIGRATIONS } from '../detection/schema.js';
import { DIRECTORY_MIGRATIONS } from '../directory/schema.js';
import { EVIDENCE_MIGRATIONS } from '../evidence/schema.js';
import { INGEST_MIGRATIONS } from '../ingest/schema.js';
import { LEAVE_MIGRATIONS } from '../leave/schema.js';
import type { Migration } from './migration.js';

/** Every hub module's schema steps, in dependency order (directory first: others refer to employees). */
export const HUB_MIGRATIONS: readonly Migration[] = [
  ...DIRECTORY_MIGRATIONS,
  ...LEAVE_MIGRATIONS,
  ...CALENDAR_MIGRATIONS,
  ...INGEST_MIGRATIONS,
  ...DETECTION_MIGRATIONS,
  ...EVIDENCE_MIGRATIONS,
  ...CASES_MIGRATIONS,
  ...CHANNEL_MIGRATIONS,
  ...AUTH_MIGRATIONS,
];
