import type { Socket } from 'node:net';
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { TerminalHealth } from '../../protocols/mqtt/contract.js';
import { AgentError } from '../errors.js';
import type { PendingBatch } from '../store/outbox.js';
import { Backoff } from '../backoff.js';
import { decodeAck, encodeBatch, type InflightBatch } from './batches.js';
import { classifyError, clientOptions, redact, type BrokerOptions } from './connection.js';
import { RetainedState } from './retained.js';
import { resolveSettings, within, type PublisherOptions, type PublisherOutbox, type PublisherStats, type Settings } from './settings.js';

export type { BrokerOptions, BrokerTls } from './connection.js';
export type { PublisherOptions, PublisherOutbox, PublisherStats } from './settings.js';

/**
 * Publishes the outbox's undelivered punches to the hub over MQTT (the contract in the README's
 * "Message contract"), and the gateway's status and terminals' health.
 *
 * - The outbox is the truth. The publisher holds only the batches in flight (at most
 *   `maxInflightBatches`); a row is marked delivered only when the hub's application ack for its
 *   batch arrives, never on the broker's PUBACK.
 * - Batches carry contiguous runs of pending rows in seq order; a batch not acknowledged within
 *   `ackTimeoutMs` is sent again unchanged (the hub is idempotent on punch id). After every
 *   reconnect the window is emptied and every undelivered row is sent again from the start.
 * - MQTT 3.1.1, persistent session (`clean: false`), so acks the hub publishes while the agent is
 *   away are queued by the broker. mqtt.js's own replay of unacknowledged QoS1 publications is
 *   not used: each reconnect starts with empty client stores, because the outbox replay covers
 *   batches and status and health are re-published.
 * - Reconnects use exponential backoff with jitter (mqtt.js's fixed `reconnectPeriod` is off).
 * - Status: a retained Will (offline) set at connect; a retained birth (online, epoch, backlog,
 *   alarms) after every (re)connect; a retained offline on stop(). Health: retained per serial;
 *   the latest of each is re-published after every reconnect.
 */
export class Publisher {
  private readonly outbox: PublisherOutbox;
  private readonly gateway: string;
  private readonly epoch: number;
  private readonly broker: BrokerOptions;
  private readonly settings: Settings;
  private readonly retained: RetainedState;
  private readonly logger: Logger;
  private readonly backoff: Backoff;

  private client: MqttClient | undefined;
  /** Subscribed to acks and birth sent on the current connection. */
  private ready = false;
  /** Bumped at every connect and close: callbacks of an older connection are ignored. */
  private connection = 0;
  /** Highest seq sent on this connection; the next batch starts after it. */
  private cursor = 0;
  private readonly inflight = new Map<number, InflightBatch>();
  private pumpScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private gaveUp = false;
  private firstAttempt: { resolve(): void; reject(err: Error): void } | undefined;
  private readonly counters = { lastAckAt: null as number | null, ackedBatches: 0, deliveredPunches: 0, sentBatches: 0, retransmits: 0, ignoredAcks: 0, connects: 0, lastError: null as string | null };

  constructor(options: PublisherOptions) {
    this.settings = resolveSettings(options);
    this.outbox = options.outbox;
    this.gateway = options.gateway;
    this.epoch = options.outbox.epoch;
    this.broker = options.broker;
    this.retained = new RetainedState(this.settings.topics, options.gateway, this.epoch, options.version);
    this.backoff = new Backoff({ initialMs: this.settings.reconnectPeriodMs, maxMs: this.settings.reconnectMaxMs });
    this.logger = options.logger.child({ component: 'publisher' });
  }

  /**
   * Connects to the broker. Resolves once the first attempt has settled: connected (subscribed
   * to acks, birth published), or failed for a reason worth retrying (broker unreachable,
   * timeout, server unavailable), in which case the publisher keeps retrying in the background
   * with backoff; `stats().connected` tells which. Rejects with AgentError('BROKER') when the
   * broker refuses the credentials or the TLS certificate is not trusted: retrying cannot fix
   * the configuration, so the publisher gives up. After a first success, any failure, even a
   * refusal, is retried.
   */
  start(): Promise<void> {
    if (this.client !== undefined || this.stopping !== undefined) return Promise.reject(new AgentError('BROKER', 'the publisher was already started'));
    return new Promise<void>((resolve, reject) => {
      this.firstAttempt = { resolve, reject };
      const will = { topic: this.settings.topics.status, payload: this.retained.status('offline', undefined) };
      this.logger.info({ broker: redact(this.broker.url), clientId: this.settings.clientId, epoch: this.epoch }, 'connecting to the broker');
      let client: MqttClient;
      try {
        client = connect(this.broker.url, clientOptions(this.broker, this.settings.clientId, will));
      } catch (err) {
        this.firstAttempt = undefined;
        reject(new AgentError('BROKER', `cannot connect to ${redact(this.broker.url)}: ${(err as Error).message}`, { cause: err }));
        return;
      }
      this.client = client;
      client.on('connect', (connack) => this.onConnect(client, connack.sessionPresent));
      client.on('message', (topic, payload) => this.onMessage(topic, payload));
      client.on('error', (err) => this.onError(client, err));
      client.on('close', () => this.onClose(client));
    });
  }

  /** New rows are in the outbox: publish them soon (several kicks in one tick make one query). */
  kick(): void {
    this.schedulePump();
  }

  /**
   * Publishes a terminal's health, retained, QoS1; the latest per serial is re-published after
   * each reconnect. Throws AgentError('BROKER') if it does not fit the contract.
   */
  publishHealth(h: TerminalHealth): void {
    const message = this.retained.setHealth(h);
    if (this.ready) this.publishRetained(message.topic, message.payload);
  }

  /** Sets the gateway's alarms (e.g. outbox full), carried in the retained status; re-published now if connected. */
  setAlarms(alarms: readonly string[]): void {
    if (this.retained.setAlarms(alarms) && this.ready) this.publishRetained(this.settings.topics.status, this.retained.status('online', this.backlog()));
  }

  stats(): PublisherStats {
    let inflightPunches = 0;
    for (const b of this.inflight.values()) inflightPunches += b.count;
    return { connected: this.ready, inflightBatches: this.inflight.size, inflightPunches, ...this.counters };
  }

  /**
   * Publishes the retained offline status and ends the session gracefully (DISCONNECT, so the
   * broker discards the Will; the persistent session stays for the next start). Rows in flight
   * stay undelivered in the outbox. Does not close the outbox.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.retryTimer);
    // No more sends or retransmissions; acks arriving while the session closes still count.
    for (const b of this.inflight.values()) clearTimeout(b.timer);
    const client = this.client;
    this.settleFirst();
    if (client !== undefined) await this.endSession(client);
    this.ready = false;
    const unacknowledged = this.dropInflight();
    this.logger.info({ unacknowledgedBatches: unacknowledged, deliveredPunches: this.counters.deliveredPunches }, 'publisher stopped');
  }

  private async endSession(client: MqttClient): Promise<void> {
    if (this.ready) {
      const published = new Promise<boolean>((resolve) => {
        client.publish(this.settings.topics.status, this.retained.status('offline', this.backlog()), { qos: 1, retain: true }, (err) => resolve(!err));
      });
      if ((await within(published, this.settings.stopTimeoutMs)) !== true) this.logger.warn('the broker did not confirm the offline status; its Will says offline instead');
      const ended = client.endAsync(false).then(() => true, () => false);
      if ((await within(ended, this.settings.stopTimeoutMs)) === true) return;
      this.logger.warn('the broker did not close the session in time; dropping the connection');
      client.stream.destroy();
    }
    await client.endAsync(true).catch(() => undefined);
  }

  private onConnect(client: MqttClient, sessionPresent: boolean): void {
    if (client !== this.client || this.stopping !== undefined || this.gaveUp) return;
    const connection = ++this.connection;
    this.backoff.reset();
    this.counters.connects++;
    this.logger.info({ sessionPresent, connects: this.counters.connects }, 'connected to the broker');
    // Acks and PUBACKs are small: without this, Nagle's algorithm meets delayed ACKs and stalls the window.
    const socket = client.stream as Partial<Pick<Socket, 'setNoDelay'>>;
    if (typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
    client.subscribe(this.settings.topics.ack, { qos: 1 }, (err, granted) => {
      if (connection !== this.connection || this.stopping !== undefined) return;
      const qos = granted?.[0]?.qos;
      if (err != null || qos === undefined || qos === 128) {
        const message = `broker refused the subscription to ${this.settings.topics.ack}: ${err?.message ?? 'SUBACK failure'}`;
        this.counters.lastError = message;
        this.logger.error(message);
        if (this.firstAttempt !== undefined) this.giveUp(client, new AgentError('BROKER', message, { cause: err ?? undefined }));
        else client.stream.destroy();
        return;
      }
      this.ready = true;
      this.publishRetained(this.settings.topics.status, this.retained.status('online', this.backlog()));
      for (const h of this.retained.healthMessages()) this.publishRetained(h.topic, h.payload);
      this.settleFirst();
      this.pump();
    });
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasReady = this.ready;
    this.ready = false;
    this.connection++;
    const dropped = this.dropInflight();
    // Forget publications of the dead connection: the outbox replays batches, status and health are re-sent.
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    if (this.stopping !== undefined || this.gaveUp) return;
    if (wasReady) this.logger.warn({ inflightBatches: dropped }, 'lost the broker; undelivered punches stay in the outbox');
    if (this.firstAttempt !== undefined) {
      this.logger.warn({ lastError: this.counters.lastError }, 'broker not reachable yet; retrying in the background');
      this.settleFirst();
    }
    this.scheduleReconnect(client);
  }

  private onError(client: MqttClient, err: Error & { code?: unknown }): void {
    if (client !== this.client) return;
    if (this.stopping !== undefined) {
      // Closing races the socket's end (e.g. a write after end): nothing to recover from.
      this.logger.debug({ err: err.message }, 'broker connection error while stopping');
      return;
    }
    const verdict = classifyError(err, this.broker.url);
    this.counters.lastError = verdict.message;
    if (verdict.permanent && this.firstAttempt !== undefined) {
      this.giveUp(client, new AgentError('BROKER', verdict.message, { cause: err }));
      return;
    }
    if (verdict.permanent) this.logger.error({ err: verdict.message }, 'broker connection failed');
    else this.logger.warn({ err: verdict.message }, 'broker connection failed');
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== this.settings.topics.ack) return;
    const verdict = decodeAck(payload);
    if (!verdict.ok) {
      this.counters.ignoredAcks++;
      this.logger.warn({ reason: verdict.reason }, 'ignored an invalid message on the ack topic');
      return;
    }
    const ack = verdict.ack;
    if (ack.gateway !== this.gateway || ack.epoch !== this.epoch) {
      this.counters.ignoredAcks++;
      this.logger.info({ gateway: ack.gateway, epoch: ack.epoch, seqFrom: ack.seqFrom, seqTo: ack.seqTo }, 'ignored an ack for another gateway or an earlier epoch');
      return;
    }
    const batch = this.inflight.get(ack.seqFrom);
    if (batch === undefined || batch.seqTo !== ack.seqTo) {
      this.counters.ignoredAcks++;
      this.logger.info({ seqFrom: ack.seqFrom, seqTo: ack.seqTo }, 'ignored an ack for a range not in flight (a late duplicate, or not ours)');
      return;
    }
    let changed: number;
    try {
      changed = this.outbox.markDelivered(batch.seqFrom, batch.seqTo);
    } catch (err) {
      // The batch stays in flight: its timer sends it again and the next ack retries the write.
      this.counters.lastError = `cannot mark ${batch.seqFrom}..${batch.seqTo} delivered: ${(err as Error).message}`;
      this.logger.error({ err, seqFrom: batch.seqFrom, seqTo: batch.seqTo }, 'cannot mark acknowledged punches delivered');
      return;
    }
    clearTimeout(batch.timer);
    this.inflight.delete(batch.seqFrom);
    this.counters.ackedBatches++;
    this.counters.deliveredPunches += changed;
    this.counters.lastAckAt = Date.now();
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => this.pump());
  }

  /** Fills the window with batches of the next pending rows. */
  private pump(): void {
    this.pumpScheduled = false;
    if (!this.ready || this.stopping !== undefined) return;
    while (this.inflight.size < this.settings.maxInflight) {
      let pending: PendingBatch | undefined;
      try {
        pending = this.outbox.pendingBatch(this.cursor, this.settings.batchSize);
      } catch (err) {
        this.counters.lastError = `cannot read the outbox: ${(err as Error).message}`;
        this.logger.error({ err }, 'cannot read pending punches; trying again in a second');
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.schedulePump(), 1000);
        return;
      }
      if (pending === undefined) return;
      const batch = encodeBatch(this.gateway, this.epoch, pending);
      this.inflight.set(batch.seqFrom, batch);
      this.cursor = batch.seqTo;
      this.transmit(batch);
    }
  }

  private transmit(batch: InflightBatch): void {
    const client = this.client;
    if (client === undefined) return;
    batch.sends++;
    this.counters.sentBatches++;
    if (batch.sends > 1) this.counters.retransmits++;
    const connection = this.connection;
    client.publish(this.settings.topics.punches, batch.payload, { qos: 1 }, (err) => {
      if (err && connection === this.connection) this.logger.warn({ err: err.message, seqFrom: batch.seqFrom, seqTo: batch.seqTo }, 'publishing a batch failed');
    });
    batch.timer = setTimeout(() => this.onAckTimeout(batch), this.settings.ackTimeoutMs);
  }

  private onAckTimeout(batch: InflightBatch): void {
    batch.timer = undefined;
    if (!this.ready || this.inflight.get(batch.seqFrom) !== batch) return;
    this.logger.warn({ seqFrom: batch.seqFrom, seqTo: batch.seqTo, sends: batch.sends, ackTimeoutMs: this.settings.ackTimeoutMs }, 'no ack in time; sending the batch again');
    this.transmit(batch);
  }

  /** Empties the window; the rows are still undelivered in the outbox and will be sent again. */
  private dropInflight(): number {
    const n = this.inflight.size;
    for (const b of this.inflight.values()) clearTimeout(b.timer);
    this.inflight.clear();
    this.cursor = 0;
    return n;
  }

  private scheduleReconnect(client: MqttClient): void {
    if (this.reconnectTimer !== undefined) return;
    const delayMs = this.backoff.next();
    this.logger.info({ delayMs, attempt: this.backoff.attempts }, 'reconnecting after a delay');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopping !== undefined || this.gaveUp || client !== this.client) return;
      // The Will is fixed at connect time; give it a fresh timestamp for this connection.
      const will = client.options.will;
      if (will !== undefined) will.payload = Buffer.from(this.retained.status('offline', undefined));
      client.reconnect();
    }, delayMs);
  }

  private giveUp(client: MqttClient, err: AgentError): void {
    this.gaveUp = true;
    this.ready = false;
    this.logger.error({ err: err.message }, 'giving up on the broker: fix the configuration');
    client.end(true);
    const first = this.firstAttempt;
    this.firstAttempt = undefined;
    first?.reject(err);
  }

  private settleFirst(): void {
    const first = this.firstAttempt;
    this.firstAttempt = undefined;
    first?.resolve();
  }

  private publishRetained(topic: string, payload: string): void {
    const connection = this.connection;
    this.client?.publish(topic, payload, { qos: 1, retain: true }, (err) => {
      if (err && connection === this.connection) this.logger.warn({ err: err.message, topic }, 'publishing a retained message failed');
    });
  }

  private backlog(): number | undefined {
    try {
      return this.outbox.backlog();
    } catch (err) {
      this.logger.warn({ err }, 'cannot count the backlog for the status');
      return undefined;
    }
  }
}
