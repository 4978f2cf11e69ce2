import { EventEmitter } from 'node:events';
import { pino, type Logger } from 'pino';
import { ProtocolError, type ProtocolErrorCode } from '../../protocols/errors.js';
import { parseTerminalUrl } from '../../protocols/transport/url.js';
import type { ZkClient } from '../../protocols/zk/client/client.js';
import type { AttendanceEvent } from '../../protocols/zk/events.js';
import type { FreeSizes } from '../../protocols/zk/free-sizes.js';
import { backoffDelay, DEFAULT_BACKOFF, Sleeper, type BackoffOptions } from '../backoff.js';
import { clearIfAllowed, DEFAULT_CLEAR_POLICY, type ClearPolicy } from './clear-policy.js';
import { createZkClient } from './client-factory.js';
import { checkClock, DEFAULT_CLOCK_POLICY, type ClockPolicy } from './clock-check.js';
import { describeError, HealthState } from './health.js';
import type { IngestResult } from './log-ingest.js';
import { readNewRecords, type ReadProgressEvent } from './log-reader.js';
import type { PollerState, PollerStatus, TerminalPollerEvents, TerminalPollerOptions } from './options.js';
import { formatRawTime, toNewPunch, unusableReason } from './record-to-punch.js';

/**
 * One terminal: connect, check its clock, read what is new in its log, take realtime punches, and
 * keep at it through restarts and outages. Every punch lands in the outbox first.
 */
export class TerminalPoller extends EventEmitter<TerminalPollerEvents> {
  readonly name: string;
  private readonly options: TerminalPollerOptions;
  private readonly client: ZkClient;
  private readonly logger: Logger;
  private readonly health: HealthState;
  private readonly sleeper = new Sleeper();
  private readonly now: () => Date;
  private readonly clockPolicy: ClockPolicy;
  private readonly clearPolicy: ClearPolicy;
  private readonly backoff: BackoffOptions;
  private lock: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private running = false;
  private state: PollerState = 'stopped';
  private serial: string | undefined;
  private realtimeOn = false;
  private paused = false;
  private skipped = 0;
  /** Aborted by stop(): cuts a read short between chunks. */
  private stopping = new AbortController();

  constructor(options: TerminalPollerOptions) {
    super();
    this.options = options;
    this.name = options.name;
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'poller', terminal: options.name });
    this.health = new HealthState(options.name, parseTerminalUrl(options.url).display, this.logger);
    this.now = options.now ?? (() => new Date());
    this.clockPolicy = { ...DEFAULT_CLOCK_POLICY, ...options.clock };
    this.clearPolicy = { ...DEFAULT_CLEAR_POLICY, ...options.clearAfterAck };
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    const create = options.createClient ?? ((url: string) => createZkClient(url, { timeoutMs: options.timeoutMs, logger: options.logger }));
    this.client = create(options.url);
    this.client.on('attendance', (event) => this.onRealtime(event));
    this.client.on('close', (error) => this.onClose(error));
  }

  /** Starts polling in the background; failures are retried with backoff, never thrown. */
  start(): void {
    if (this.loop !== undefined) return;
    this.running = true;
    this.rearm();
    this.loop = this.runLoop();
  }

  /** Stops: the current read is cut short (what arrived is kept), the session ends, no timer stays. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.sleeper.wake();
    await this.loop;
    this.loop = undefined;
    await this.exclusive(() => this.disconnect());
    this.state = 'stopped';
  }

  /** One poll now (connecting first if needed); rejects with the failure. */
  async pollNow(): Promise<void> {
    this.rearm();
    try {
      await this.exclusive(() => this.guardedCycle());
    } catch (err) {
      if (this.running) this.sleeper.wake(); // the loop takes over reconnecting, with backoff
      throw err;
    }
  }

  status(): PollerStatus {
    const watermark = this.serial === undefined ? null : (this.options.outbox.getWatermark(this.serial)?.recordCount ?? 0);
    return { ...this.health.snapshot(), state: this.state, watermark, skippedRecords: this.skipped };
  }

  private rearm(): void {
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
  }

  private async runLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let delay: number;
      try {
        await this.exclusive(() => this.guardedCycle());
        failures = 0;
        delay = this.paused ? (this.options.capacityRecheckMs ?? Math.min(10_000, this.pollInterval)) : this.pollInterval;
      } catch {
        if (!this.running) break;
        delay = backoffDelay(failures++, this.backoff, this.options.random);
        this.logger.info({ attempt: failures, delayMs: delay }, 'retrying after a delay');
      }
      if (!this.running) break;
      await this.sleeper.sleep(delay);
    }
  }

  private get pollInterval(): number {
    return this.options.pollIntervalMs ?? 60_000;
  }

  /** Serializes work on the one connection (the loop and pollNow). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async guardedCycle(): Promise<void> {
    try {
      await this.cycle();
    } catch (err) {
      await this.onCycleFailed(err);
      throw err;
    }
  }

  private async cycle(): Promise<void> {
    const serial = await this.ensureSession();
    this.state = 'polling';
    const started = this.now();
    const sizes = await this.client.getFreeSizes();
    this.health.setSizes(sizes);
    await this.checkClock();
    const capacity = this.options.outbox.capacity();
    if (capacity.full) {
      await this.pause(capacity.reason ?? 'outbox full');
    } else {
      await this.resume();
      const result = await this.readNew(serial, sizes.records);
      this.report(result);
      if (result.haltedBy !== undefined) await this.pause(result.haltedBy);
      else {
        this.health.synced(started);
        await this.clearIfAllowed(serial, sizes);
      }
    }
    this.health.seen(this.now());
    this.state = this.paused ? 'paused' : 'idle';
    this.emitHealth();
  }

  private async ensureSession(): Promise<string> {
    if (this.client.isConnected && this.serial !== undefined) return this.serial;
    this.state = 'connecting';
    this.realtimeOn = false;
    await this.client.connect();
    const info = await this.client.getDeviceInfo();
    const reported = info.serialNumber?.trim() ?? '';
    const serial = reported === '' ? `name:${this.name}` : reported;
    if (reported === '') this.logger.warn({ serial }, 'terminal reports no serial number: using the configured name instead');
    this.serial = serial;
    this.health.setDevice(serial, info);
    this.health.seen(this.now());
    this.health.setError(null);
    this.logger.info({ serial, firmware: info.firmware, platform: info.platform }, 'terminal connected');
    this.emitHealth();
    return serial;
  }

  private async checkClock(): Promise<void> {
    try {
      const check = await checkClock(this.client, this.clockPolicy, this.options.utcOffsetMinutes, this.now, this.logger);
      this.health.setDrift(check.driftSeconds);
      if (check.alarm === undefined) this.health.clearAlarm('clock');
      else this.health.setAlarm('clock', check.alarm);
    } catch (err) {
      if (isConnectionTrouble(err)) throw err;
      // The terminal refused SET_TIME or reports an impossible time: worth an alarm, not a stop.
      this.health.setAlarm('clock', `terminal clock could not be checked: ${describeError(err)}`);
    }
  }

  private async pause(reason: string): Promise<void> {
    this.paused = true;
    this.health.setAlarm('outbox', `outbox full: ${reason}; not pulling from the terminal (it keeps its records)`);
    if (!this.realtimeOn) return;
    this.realtimeOn = false;
    await this.client.stopRealtime();
  }

  private async resume(): Promise<void> {
    if (this.paused) {
      this.paused = false;
      this.health.clearAlarm('outbox');
    }
    if (this.options.realtime === false || this.realtimeOn) return;
    await this.client.startRealtime();
    this.realtimeOn = true;
  }

  private async readNew(serial: string, terminalRecords: number): Promise<IngestResult> {
    const release = this.options.readSlots === undefined ? undefined : await this.options.readSlots.acquire();
    try {
      return await this.readLog(serial, terminalRecords);
    } finally {
      release?.();
    }
  }

  private readLog(serial: string, terminalRecords: number): Promise<IngestResult> {
    const context = {
      client: this.client,
      outbox: this.options.outbox,
      serial,
      utcOffsetMinutes: this.options.utcOffsetMinutes,
      batchSize: this.options.batchSize,
      logger: this.logger,
      signal: this.stopping.signal,
      onStored: (count: number) => this.emit('punches', count),
      onProgress: (progress: ReadProgressEvent) => this.emit('progress', progress),
    };
    return readNewRecords(context, terminalRecords);
  }

  private report(result: IngestResult): void {
    const { mode, records, inserted, duplicates, watermark } = result;
    this.logger.info({ mode, records, inserted, duplicates, watermark }, inserted > 0 ? 'stored new punches' : 'nothing new');
    if (result.unusable === 0) return;
    this.skipped += result.unusable;
    const text = `${this.skipped} records with an impossible time or no user id left on the terminal (${result.unusableSamples.join('; ')})`;
    this.health.setAlarm('records', text);
    this.health.setError(text);
  }

  private async clearIfAllowed(serial: string, sizes: FreeSizes): Promise<void> {
    if (!this.clearPolicy.enabled) return;
    try {
      await clearIfAllowed(this.client, this.options.outbox, serial, this.clearPolicy, sizes, this.logger);
    } catch (err) {
      if (isConnectionTrouble(err)) throw err;
      this.logger.error({ err }, 'clearing the terminal log failed');
      this.health.setError(`clearing the terminal log failed: ${describeError(err)}`);
    }
  }

  private onRealtime(event: AttendanceEvent): void {
    const serial = this.serial;
    if (serial === undefined || this.paused) {
      this.logger.debug({ userId: event.userId }, 'realtime punch not stored now: the next full read takes it');
      return;
    }
    const reason = unusableReason(event);
    if (reason !== undefined) {
      this.logger.warn({ userId: event.userId, rawTime: formatRawTime(event.rawTime) }, `realtime punch left to the next full read: ${reason}`);
      return;
    }
    try {
      const { inserted } = this.options.outbox.insert([toNewPunch(serial, event, this.options.utcOffsetMinutes, 'realtime')]);
      this.health.seen(this.now());
      if (inserted > 0) this.emit('punches', inserted);
    } catch (err) {
      this.logger.error({ err }, 'could not store a realtime punch: the next full read takes it');
      this.health.setError(describeError(err));
    }
  }

  private onClose(error: Error | undefined): void {
    this.realtimeOn = false;
    if (!this.health.online) return;
    this.health.offline();
    if (error !== undefined) {
      this.logger.warn({ err: error }, 'terminal link closed');
      this.health.setError(describeError(error));
    }
    this.emitHealth();
    // Idle between polls: reconnect now, so realtime punches do not wait for the next poll.
    if (error !== undefined && this.running && (this.state === 'idle' || this.state === 'paused')) this.sleeper.wake();
  }

  private async onCycleFailed(err: unknown): Promise<void> {
    this.realtimeOn = false;
    this.state = this.running ? 'backoff' : 'stopped';
    this.health.offline();
    if (this.stopping.signal.aborted) {
      this.logger.debug({ err }, 'poll ended by stop');
    } else {
      this.logger.warn({ err }, 'terminal poll failed');
      this.health.setError(describeError(err));
    }
    await this.client.disconnect().catch(() => undefined); // the next attempt starts a fresh session
    this.emitHealth();
  }

  private async disconnect(): Promise<void> {
    this.realtimeOn = false;
    await this.client.disconnect().catch((err: unknown) => this.logger.debug({ err }, 'disconnect failed'));
    this.health.offline();
    this.emitHealth();
  }

  private emitHealth(): void {
    this.emit('health', this.health.snapshot());
  }
}

const LINK_TROUBLE = new Set<ProtocolErrorCode>(['TIMEOUT', 'CONNECTION_CLOSED', 'NOT_CONNECTED', 'TRANSPORT']);

/** Errors that mean the link is gone or sick (reconnect), as opposed to a refused command. */
function isConnectionTrouble(err: unknown): boolean {
  return err instanceof ProtocolError && LINK_TROUBLE.has(err.code);
}
