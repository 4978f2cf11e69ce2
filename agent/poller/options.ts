import type { Logger } from 'pino';
import type { ZkClient } from '../../protocols/zk/client/client.js';
import type { Outbox } from '../store/outbox.js';
import type { BackoffOptions } from '../backoff.js';
import type { ClearPolicy } from './clear-policy.js';
import type { ClockPolicy } from './clock-check.js';
import type { PollerHealth } from './health.js';
import type { ReadProgressEvent } from './log-reader.js';

export interface TerminalPollerOptions {
  /** The terminal's name in the site config (logs, health). */
  name: string;
  /** `zk+tcp://host:4370?commkey=N`, `zk+udp://host`, `zk+serial:///dev/ttyUSB0?deviceId=1`. */
  url: string;
  /** The site's offset, minutes east of UTC: punches carry terminal wall time at this offset. */
  utcOffsetMinutes: number;
  outbox: Outbox;
  /** The periodic full read that also reconciles realtime (default 60000 ms). */
  pollIntervalMs?: number;
  /** Subscribe to realtime punches (default true). */
  realtime?: boolean;
  clock?: Partial<ClockPolicy>;
  /** Clearing the terminal's log once the hub has everything (default off). */
  clearAfterAck?: Partial<ClearPolicy>;
  backoff?: Partial<BackoffOptions>;
  /** Request timeout when the URL has none (default: the client's 5000 ms). */
  timeoutMs?: number;
  /** While the outbox is full, how often to look again (default min(10000, pollIntervalMs)). */
  capacityRecheckMs?: number;
  /** Records per outbox transaction while reading (default 2000). */
  batchSize?: number;
  /**
   * Shared among a gateway's pollers: how many terminal logs are read at once (reads are CPU- and
   * allocation-heavy; realtime punches are not affected). Default: no limit.
   */
  readSlots?: { acquire(): Promise<() => void> };
  /** Builds the client (tests: a serial binding); default from the URL. */
  createClient?: (url: string) => ZkClient;
  logger?: Logger;
  /** The gateway's clock (default: new Date()). */
  now?: () => Date;
  /** Jitter source for the backoff (default Math.random). */
  random?: () => number;
}

export interface TerminalPollerEvents {
  /** New punches were stored (count); the publisher sends on it. */
  punches: [count: number];
  health: [health: PollerHealth];
  /** During a read of the terminal's log (a CLI progress bar). */
  progress: [progress: ReadProgressEvent];
}

export type PollerState = 'stopped' | 'connecting' | 'polling' | 'idle' | 'paused' | 'backoff';

export interface PollerStatus extends PollerHealth {
  state: PollerState;
  /** How many of the terminal's records are stored (null before the serial is known). */
  watermark: number | null;
  /** Records left on the terminal because they cannot become punches, since start. */
  skippedRecords: number;
}

