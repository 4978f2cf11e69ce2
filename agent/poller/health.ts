import type { Logger } from 'pino';
import type { DeviceInfo } from '../../protocols/zk/client/client.js';
import type { FreeSizes } from '../../protocols/zk/free-sizes.js';

/**
 * What the poller knows about its terminal, shaped like the contract's TerminalHealth (the health
 * reporter adds gateway, backlog and `at`) plus the alarms raised.
 */
export interface PollerHealth {
  name: string;
  /** The terminal URL with any comm key masked. */
  endpoint: string;
  deviceSerial: string | null;
  online: boolean;
  lastSeen: string | null;
  /** Start of the last complete read of the terminal's log: every record it held then is stored. */
  syncedThrough: string | null;
  /** Terminal wall time minus gateway wall time at the site's offset. */
  clockDriftSeconds: number | null;
  records: number | null;
  recordCapacity: number | null;
  users: number | null;
  userCapacity: number | null;
  firmware: string | null;
  platform: string | null;
  lastError: string | null;
  alarms: string[];
}

export type AlarmKey = 'clock' | 'outbox' | 'records';

/** The poller's health fields and alarms; alarm changes are logged once, not at every poll. */
export class HealthState {
  private readonly fields: Omit<PollerHealth, 'alarms'>;
  private readonly alarms = new Map<AlarmKey, string>();

  constructor(
    name: string,
    endpoint: string,
    private readonly logger: Logger,
  ) {
    this.fields = {
      name, endpoint, deviceSerial: null, online: false, lastSeen: null, syncedThrough: null, clockDriftSeconds: null,
      records: null, recordCapacity: null, users: null, userCapacity: null, firmware: null, platform: null, lastError: null,
    };
  }

  snapshot(): PollerHealth {
    return { ...this.fields, alarms: [...this.alarms.values()] };
  }

  get online(): boolean {
    return this.fields.online;
  }

  setDevice(serial: string, info: DeviceInfo): void {
    this.fields.deviceSerial = serial;
    this.fields.firmware = info.firmware ?? null;
    this.fields.platform = info.platform ?? null;
  }

  setSizes(sizes: FreeSizes): void {
    this.fields.records = sizes.records;
    this.fields.recordCapacity = sizes.recordCapacity;
    this.fields.users = sizes.users;
    this.fields.userCapacity = sizes.userCapacity;
  }

  setDrift(seconds: number): void {
    this.fields.clockDriftSeconds = seconds;
  }

  seen(at: Date): void {
    this.fields.online = true;
    this.fields.lastSeen = at.toISOString();
  }

  /** A read of the whole log that started at `at` completed: every record held then is stored. */
  synced(at: Date): void {
    this.fields.syncedThrough = at.toISOString();
  }

  offline(): void {
    this.fields.online = false;
  }

  setError(message: string | null): void {
    this.fields.lastError = message;
  }

  /** Raises or updates an alarm (at most 200 characters, as the status contract allows). */
  setAlarm(key: AlarmKey, message: string): void {
    const text = message.length > 200 ? `${message.slice(0, 199)}…` : message;
    if (this.alarms.get(key) === text) return;
    this.alarms.set(key, text);
    this.logger.warn({ alarm: key }, `alarm: ${text}`);
  }

  clearAlarm(key: AlarmKey): void {
    if (!this.alarms.delete(key)) return;
    this.logger.info({ alarm: key }, 'alarm cleared');
  }

  hasAlarm(key: AlarmKey): boolean {
    return this.alarms.has(key);
  }
}

/** A short, single-line description of an error for `lastError` (code first when it has one). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const text = typeof code === 'string' ? `${err.message} [${code}]` : err.message;
    return text.slice(0, 500);
  }
  return String(err).slice(0, 500);
}
