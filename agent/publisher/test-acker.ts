/**
 * A TEMPORARY hub-side acker: subscribes to gateways' punch batches, remembers the punches by id
 * (in memory) and answers each valid batch with a PunchAck on the gateway's ack topic. It lets
 * the agent's publisher be tested and benchmarked end to end before the hub exists. The hub issue
 * (hub/ingest: durable, idempotent storage, then the ack) replaces it; nothing in the product may
 * depend on it beyond tests, benchmarks and demos.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { CONTRACT_VERSION, PunchBatch, topicsFor, type Punch, type PunchAck } from '../../protocols/mqtt/contract.js';
import { AgentError } from '../errors.js';
import { redact, type BrokerTls } from './connection.js';

export interface AckerOptions {
  url: string;
  logger: Logger;
  /** Default `rollcall/v1/+/+/punches` (every gateway). */
  topicFilter?: string;
  /** Default `rollcall-test-acker-{random}`; the session is persistent (clean: false). */
  clientId?: string;
  username?: string;
  password?: string;
  tls?: BrokerTls;
  /** Fixed reconnect delay (default 250 ms): this is a test tool. */
  reconnectPeriodMs?: number;
}

export interface AckerBatchEvent {
  topic: string;
  batch: PunchBatch;
  /** False while paused: the batch was neither stored nor acknowledged. */
  acked: boolean;
  stored: number;
  duplicates: number;
}

/**
 * The acker's state. `received` holds each punch once by id; `duplicates` counts punches that
 * arrived again (retransmissions); `rejected` counts messages that were not a valid PunchBatch;
 * `batches` counts valid batches, acked or not.
 */
export class TestAcker extends EventEmitter<{ batch: [AckerBatchEvent] }> {
  readonly received = new Map<string, Punch>();
  duplicates = 0;
  rejected = 0;
  batches = 0;
  private paused = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly client: MqttClient,
    private readonly logger: Logger,
  ) {
    super();
  }

  /** Stops acknowledging (and storing): batches are counted and emitted with `acked: false`, as if lost. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Disconnects (gracefully when connected; acks not yet confirmed by the broker get 2 s). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.client.connected) {
        await this.client.endAsync(true);
        return;
      }
      const ended = this.client.endAsync(false).then(() => true, () => false);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 2000)));
      const graceful = await Promise.race([ended, late]);
      clearTimeout(timer);
      if (!graceful) this.client.stream.destroy();
    })();
    return this.closing;
  }

  /** @internal Handles one message from the punches topic filter. */
  handle(topic: string, payload: Buffer): void {
    const levels = topic.split('/');
    const site = levels[2];
    const gateway = levels[3];
    if (levels.length !== 5 || levels[4] !== 'punches' || site === undefined || gateway === undefined) {
      this.reject(topic, 'not a punches topic');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.reject(topic, 'not JSON');
      return;
    }
    const parsed = PunchBatch.safeParse(json);
    if (!parsed.success) {
      this.reject(topic, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; '));
      return;
    }
    const batch = parsed.data;
    let ackTopic: string;
    try {
      if (batch.gateway !== gateway) throw new Error(`batch names gateway "${batch.gateway}"`);
      ackTopic = topicsFor(site, gateway).ack;
    } catch (err) {
      this.reject(topic, (err as Error).message);
      return;
    }
    this.batches++;
    if (this.paused) {
      this.emit('batch', { topic, batch, acked: false, stored: 0, duplicates: 0 });
      return;
    }
    let stored = 0;
    let duplicates = 0;
    for (const p of batch.punches) {
      if (this.received.has(p.id)) duplicates++;
      else {
        this.received.set(p.id, p);
        stored++;
      }
    }
    this.duplicates += duplicates;
    const ack: PunchAck = { v: CONTRACT_VERSION, gateway, epoch: batch.epoch, seqFrom: batch.seqFrom, seqTo: batch.seqTo, stored, duplicates };
    this.client.publish(ackTopic, JSON.stringify(ack), { qos: 1 }, (err) => {
      if (err) this.logger.warn({ err: err.message, ackTopic }, 'publishing an ack failed');
    });
    this.emit('batch', { topic, batch, acked: true, stored, duplicates });
  }

  private reject(topic: string, reason: string): void {
    this.rejected++;
    this.logger.warn({ topic, reason }, 'rejected a message that is not a valid punch batch');
  }
}

/** Connects, subscribes (QoS1) and resolves once the subscription is confirmed. */
export function startAcker(options: AckerOptions): Promise<TestAcker> {
  const logger = options.logger.child({ component: 'test-acker' });
  const topicFilter = options.topicFilter ?? 'rollcall/v1/+/+/punches';
  const clientOptions: IClientOptions = {
    protocolVersion: 4,
    clientId: options.clientId ?? `rollcall-test-acker-${Math.random().toString(36).slice(2, 10)}`,
    clean: false,
    reconnectPeriod: options.reconnectPeriodMs ?? 250,
    resubscribe: false,
    connectTimeout: 10_000,
  };
  if (options.username !== undefined) clientOptions.username = options.username;
  if (options.password !== undefined) clientOptions.password = options.password;
  if (options.tls !== undefined) Object.assign(clientOptions, options.tls);
  return new Promise((resolve, reject) => {
    const client = connect(options.url, clientOptions);
    const acker = new TestAcker(client, logger);
    let settled = false;
    client.on('message', (topic, payload) => acker.handle(topic, payload));
    client.on('error', (err) => {
      logger.warn({ err: err.message }, 'acker connection error');
      if (settled) return;
      settled = true;
      client.end(true);
      reject(new AgentError('BROKER', `test acker cannot connect to ${redact(options.url)}: ${err.message}`, { cause: err }));
    });
    // Subscribe on every connect: a broker that lost the session (restarted) has lost the subscription too.
    client.on('connect', () => {
      const socket = client.stream as Partial<Pick<Socket, 'setNoDelay'>>;
      if (typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
      client.subscribe(topicFilter, { qos: 1 }, (err, granted) => {
        if (err != null || granted?.[0]?.qos === 128) {
          logger.error({ err: err?.message, topicFilter }, 'acker subscription refused');
          if (settled) return;
          settled = true;
          client.end(true);
          reject(new AgentError('BROKER', `test acker: the broker refused the subscription to ${topicFilter}`));
          return;
        }
        logger.debug({ topicFilter }, 'acker subscribed');
        if (settled) return;
        settled = true;
        resolve(acker);
      });
    });
  });
}
