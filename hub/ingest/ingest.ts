import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { redact } from '../../agent/publisher/connection.js';
import { CONTRACT_VERSION, topicsFor, type PunchAck } from '../../protocols/mqtt/contract.js';
import { HubError } from '../errors.js';
import type { HealthStore } from './health-store.js';
import { parseInbound, type ValidPunch } from './messages.js';
import type { BatchToStore, PunchMessage, PunchStore, StoredBatch } from './punch-store.js';

export interface IngestConnection {
  url: string;
  username?: string;
  password?: string;
  /** Must stay the same across restarts of this hub process (persistent session). */
  clientId: string;
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
  /** `$share/{group}/...` for punches, so several hub processes split the stream; null: plain. */
  shareGroup: string | null;
}

export interface IngestOptions {
  connection: IngestConnection;
  /** The configured gateways of each site: batches from anyone else are parked, not stored. */
  gateways: ReadonlyMap<string, ReadonlySet<string>>;
  punches: PunchStore;
  health: HealthStore;
  logger: Logger;
  now?: () => number;
}

/** A batch taken while paused: neither stored nor acknowledged. */
export interface BatchHeld {
  site: string;
  gateway: string;
  epoch: number;
  seqFrom: number;
  seqTo: number;
  /** The batch's valid punches (new and duplicate). */
  punches: readonly ValidPunch[];
}

/** A batch stored and acknowledged. */
export interface BatchIngested extends BatchHeld {
  stored: number;
  duplicates: number;
  rejected: number;
}

export interface IngestStats {
  batches: number;
  stored: number;
  duplicates: number;
  deadLetters: number;
}

/**
 * The hub's side of the message contract: takes every punch batch, gateway status and terminal
 * health from the broker, validates it, stores it, and acks each stored batch with the exact
 * (epoch, seqFrom, seqTo) the agent waits for. A message that cannot be taken is parked with its
 * reason in dead letters; one bad message never stops the stream. Punch batches are validated as
 * they come and stored at the end of the event-loop turn, all those taken in the turn in one
 * transaction (group commit: one fsync for the batches of a burst, not one each); the application
 * ack of each goes out only after that commit. The broker's PUBACK may precede the commit: the
 * agent keeps a batch until its application ack, never because of a PUBACK (the message contract),
 * so a hub that stops in between gets the batch again.
 */
export class Ingest extends EventEmitter<{ batch: [BatchIngested]; held: [BatchHeld]; deadLetter: [{ topic: string; reason: string }] }> {
  readonly stats: IngestStats = { batches: 0, stored: 0, duplicates: 0, deadLetters: 0 };
  private client: MqttClient | undefined;
  private paused = false;
  /** Valid batches taken and not yet stored: stored together at the next flush. */
  private queue: BatchToStore[] = [];
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly options: IngestOptions) {
    super();
    this.logger = options.logger.child({ component: 'ingest' });
    this.now = options.now ?? Date.now;
  }

  /**
   * The topic filters this hub subscribes to: its configured sites only. Punches go through the
   * shared subscription (each batch to one hub process); status and health come to every process
   * (they are retained, and shared subscriptions get no retained messages).
   */
  get filters(): string[] {
    const share = this.options.connection.shareGroup;
    const out: string[] = [];
    for (const site of this.options.gateways.keys()) {
      const base = `rollcall/v1/${site}/+`;
      out.push(share === null ? `${base}/punches` : `$share/${share}/${base}/punches`, `${base}/status`, `${base}/devices/+/health`);
    }
    return out;
  }

  /**
   * While paused, punch batches are neither stored nor acknowledged: the agents keep them and send
   * them again (for database maintenance, and for tests of lost acks). Status and health go on.
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Connects and subscribes; resolves once subscribed, rejects with HubError('BROKER') if the first attempt fails. */
  start(): Promise<void> {
    const c = this.options.connection;
    const options: IClientOptions = {
      protocolVersion: 4,
      clientId: c.clientId,
      clean: false,
      keepalive: 30,
      connectTimeout: 10_000,
      reconnectPeriod: 1000,
      resubscribe: false,
      writeCache: false,
    };
    if (c.username !== undefined) options.username = c.username;
    if (c.password !== undefined) options.password = c.password;
    if (c.tls !== undefined) Object.assign(options, c.tls);
    return new Promise((resolve, reject) => {
      const client = connect(c.url, options);
      this.client = client;
      let settled = false;
      client.on('message', (topic, payload) => this.handle(topic, payload));
      client.on('error', (err) => {
        this.logger.warn({ err: err.message }, 'broker connection error');
        if (settled) return;
        settled = true;
        client.end(true);
        reject(new HubError('BROKER', `cannot connect to the broker ${redact(c.url)}: ${err.message}`, { cause: err }));
      });
      client.on('offline', () => this.logger.warn('broker connection lost; reconnecting'));
      // Subscribe at every connect: a broker that lost the session has lost the subscriptions too.
      client.on('connect', () => {
        const socket = client.stream as Partial<Pick<Socket, 'setNoDelay'>>;
        if (typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
        const f = this.filters;
        client.subscribe(f, { qos: 1 }, (err, granted) => {
          const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
          if (err != null || refused.length > 0) {
            const reason = err?.message ?? `the broker refused ${refused.join(', ')}`;
            this.logger.error({ reason }, 'subscription failed');
            if (settled) return;
            settled = true;
            client.end(true);
            reject(new HubError('BROKER', `cannot subscribe on ${redact(c.url)}: ${reason}`));
            return;
          }
          this.logger.info({ filters: f }, 'subscribed');
          if (settled) return;
          settled = true;
          resolve();
        });
      });
    });
  }

  async close(): Promise<void> {
    // Batches taken and not stored yet: stored and acked while the connection is still up.
    this.flush();
    const client = this.client;
    if (client === undefined) return;
    this.client = undefined;
    if (!client.connected) {
      await client.endAsync(true);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)));
    await Promise.race([client.endAsync(false).catch(() => undefined), late]);
    clearTimeout(timer);
    if (!client.disconnected) client.end(true);
  }

  /** @internal One message from the broker (public for tests that feed messages directly). */
  handle(topic: string, payload: Buffer): void {
    const nowMs = this.now();
    const message = parseInbound(topic, payload, nowMs);
    try {
      switch (message.kind) {
        case 'invalid':
          this.park(topic, message.site, message.gateway, message.reason, payload, nowMs);
          return;
        case 'cleared':
          return;
        case 'status':
          if (!this.known(message.site, message.gateway)) return this.park(topic, message.site, message.gateway, unknownGateway(message.site, message.gateway), payload, nowMs);
          if (!this.options.health.recordStatus(message.site, message.status, nowMs)) this.logger.debug({ topic }, 'stale gateway status ignored');
          return;
        case 'health':
          if (!this.known(message.site, message.gateway)) return this.park(topic, message.site, message.gateway, unknownGateway(message.site, message.gateway), payload, nowMs);
          this.options.health.recordHealth(message.site, message.health, nowMs);
          return;
        case 'punches': {
          const { site, gateway, batch } = message;
          if (!this.known(site, gateway)) return this.park(topic, site, gateway, unknownGateway(site, gateway), payload, nowMs);
          if (this.paused) {
            this.emit('held', { site, gateway, epoch: batch.epoch, seqFrom: batch.seqFrom, seqTo: batch.seqTo, punches: message.punches });
            return;
          }
          this.queue.push({ message, topic, receivedMs: nowMs });
          if (this.queue.length === 1) setImmediate(() => this.flush());
          return;
        }
      }
    } catch (err) {
      // The database refused (disk full, locked too long): no ack, so the agent sends it again.
      this.logger.error({ err, topic }, 'could not store a message; it is not acknowledged and will come again');
    }
  }

  /**
   * Stores the batches taken since the last flush in one transaction, then acks each in arrival
   * order. If that transaction fails, each batch is tried on its own, so a batch the database
   * refuses holds back only itself; a batch not stored is not acked and its agent sends it again.
   */
  private flush(): void {
    const items = this.queue;
    if (items.length === 0) return;
    this.queue = [];
    let results: (StoredBatch | undefined)[];
    try {
      results = this.options.punches.storeBatches(items);
    } catch (err) {
      this.logger.warn({ err, batches: items.length }, 'could not store batches together; storing them one by one');
      results = items.map(({ message, topic, receivedMs }) => {
        try {
          return this.options.punches.storeBatch(message, topic, receivedMs);
        } catch (e) {
          // The database refused (disk full, locked too long): no ack, so the agent sends it again.
          this.logger.error({ err: e, topic }, 'could not store a punch batch; it is not acknowledged and will come again');
          return undefined;
        }
      });
    }
    items.forEach(({ message, topic }, i) => {
      const result = results[i];
      if (result !== undefined) this.acknowledge(message, topic, result);
    });
  }

  private acknowledge(message: PunchMessage, topic: string, result: StoredBatch): void {
    const { site, gateway, batch } = message;
    this.stats.batches++;
    this.stats.stored += result.stored;
    this.stats.duplicates += result.duplicates;
    this.stats.deadLetters += result.rejected;
    if (result.rejected > 0) {
      for (const r of message.rejects.slice(0, 3)) this.logger.warn({ topic, reason: r.reason }, 'punch parked in dead letters');
    }
    this.ack(site, gateway, { v: CONTRACT_VERSION, gateway, epoch: batch.epoch, seqFrom: batch.seqFrom, seqTo: batch.seqTo, stored: result.stored, duplicates: result.duplicates });
    this.emit('batch', { site, gateway, epoch: batch.epoch, seqFrom: batch.seqFrom, seqTo: batch.seqTo, ...result, punches: message.punches });
  }

  private known(site: string, gateway: string): boolean {
    return this.options.gateways.get(site)?.has(gateway) === true;
  }

  private park(topic: string, site: string | null, gateway: string | null, reason: string, payload: Buffer, nowMs: number): void {
    this.options.punches.deadLetter(topic, site, gateway, reason, payload, nowMs);
    this.stats.deadLetters++;
    this.logger.warn({ topic, reason }, 'message parked in dead letters');
    this.emit('deadLetter', { topic, reason });
  }

  private ack(site: string, gateway: string, ack: PunchAck): void {
    const topic = topicsFor(site, gateway).ack;
    this.client?.publish(topic, JSON.stringify(ack), { qos: 1 }, (err) => {
      // A lost ack is harmless: the agent sends the batch again and the duplicate is acked.
      if (err) this.logger.warn({ err: err.message, topic }, 'publishing an ack failed');
    });
  }
}

function unknownGateway(site: string, gateway: string): string {
  return `gateway "${gateway}" is not configured for site "${site}" (add it under sites[].gateways in the hub's configuration)`;
}
