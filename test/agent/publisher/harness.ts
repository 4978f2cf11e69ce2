import type { MqttClient } from 'mqtt';
import { Publisher, type PublisherOptions } from '../../../agent/publisher/publisher.js';
import { Outbox, type NewPunch } from '../../../agent/store/outbox.js';
import { punchId } from '../../../agent/store/punch-id.js';
import { topicsFor, type TerminalHealth, type Topics } from '../../../protocols/mqtt/contract.js';
import { clearRetained, connectClient, discardSession, uniqueIds, type BrokerHandle, type BrokerTarget } from '../../helpers/broker.js';
import { startHubReceiver, type HubReceiver, type ReceiverOptions } from '../../helpers/hub-receiver.js';
import { silent, tempDir } from '../../helpers/temp.js';

/** `n` distinct punches starting at index `from` (ids differ by time and user). */
export function makePunches(from: number, n: number, deviceSerial = 'SN0001'): NewPunch[] {
  const base = Date.UTC(2026, 10, 23, 0, 0, 0);
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const localTime = new Date(base + i * 1000).toISOString().slice(0, 19);
    return { deviceSerial, userId: String(1000 + (i % 997)), localTime, at: `${localTime}+08:00`, state: i % 2, verify: 1, workcode: 0, source: 'poll' as const };
  });
}

export function health(gateway: string, deviceSerial: string, extra: Partial<TerminalHealth> = {}): TerminalHealth {
  return {
    v: 1, gateway, deviceSerial, name: `Clock ${deviceSerial}`, endpoint: 'tcp://10.0.0.5:4370', online: true,
    lastSeen: '2026-11-23T08:59:01+08:00', syncedThrough: '2026-11-23T08:58:30+08:00', clockDriftSeconds: 2, records: 1200, recordCapacity: 100_000, users: 40, userCapacity: 3000,
    firmware: 'Ver 6.60 Apr 28 2017', platform: 'ZMM220_TFT', backlog: 0, lastError: null, alarms: [], at: '2026-11-23T09:00:00+08:00', ...extra,
  };
}

/** Every message a plain subscriber saw on a filter, retained ones included. */
export interface Watcher {
  messages: Array<{ topic: string; payload: string; retain: boolean }>;
  /** The last message on `topic`, parsed (undefined if none, null if it was an empty payload). */
  last(topic: string): unknown;
  client: MqttClient;
}

/** Everything one test needs, all closed (and, on a shared broker, cleaned up) by `close()`. */
export class Rig {
  readonly site: string;
  readonly gateway: string;
  readonly topics: Topics;
  outbox: Outbox;
  readonly outboxPath: string;
  hub: HubReceiver | undefined;
  private readonly dir = tempDir('publisher-');
  private readonly publishers: Publisher[] = [];
  private readonly clients: MqttClient[] = [];
  private readonly retained = new Set<string>();
  private readonly sessions = new Set<string>();
  private readonly ids: string[] = [];

  constructor(readonly broker: BrokerHandle) {
    const ids = uniqueIds();
    this.site = ids.site;
    this.gateway = ids.gateway;
    this.topics = topicsFor(this.site, this.gateway);
    this.outboxPath = this.dir.file('outbox.sqlite');
    this.outbox = new Outbox({ path: this.outboxPath, logger: silent, synchronous: 'NORMAL', freeBytes: () => 2 ** 40 });
    this.retained.add(this.topics.status);
    this.sessions.add(`rollcall-agent-${this.site}-${this.gateway}`);
  }

  /** A path in the rig's temp folder. */
  file(name: string): string {
    return this.dir.file(name);
  }

  /** Closes the outbox and opens it again, as an agent restart does (the epoch goes up). */
  reopenOutbox(): Outbox {
    this.outbox.close();
    this.outbox = new Outbox({ path: this.outboxPath, logger: silent, synchronous: 'NORMAL', freeBytes: () => 2 ** 40 });
    return this.outbox;
  }

  get url(): string {
    return this.broker.url;
  }

  /** The hub's real ingest, taking this rig's gateway's batches into its own SQLite file. */
  async startHub(options: Partial<ReceiverOptions> = {}): Promise<HubReceiver> {
    const clientId = `rollcall-test-hub-${this.gateway}`;
    this.sessions.add(clientId);
    this.hub = await startHubReceiver({ url: this.url, clientId, gateways: [{ site: this.site, gateway: this.gateway }], ...options });
    return this.hub;
  }

  publisher(options: Partial<PublisherOptions> = {}): Publisher {
    const p = new Publisher({
      outbox: this.outbox, site: this.site, gateway: this.gateway, broker: { url: this.url }, logger: silent,
      ackTimeoutMs: 5000, reconnectPeriodMs: 50, reconnectMaxMs: 500, version: '0.1.0-test', ...options,
    });
    this.publishers.push(p);
    this.sessions.add(options.broker?.clientId ?? `rollcall-agent-${this.site}-${this.gateway}`);
    return p;
  }

  /** Inserts `n` new punches; all of them must be new. */
  insert(from: number, n: number, deviceSerial?: string): NewPunch[] {
    const punches = makePunches(from, n, deviceSerial);
    const result = this.outbox.insert(punches);
    if (result.inserted !== n) throw new Error(`expected ${n} new punches, the outbox took ${result.inserted}`);
    for (const p of punches) this.ids.push(punchId(p.deviceSerial, p.userId, p.localTime, p.state));
    return punches;
  }

  /** Ids of every punch this rig inserted. */
  allIds(): string[] {
    return [...this.ids];
  }

  /** A plain connected client, ended by close(). */
  async client(): Promise<MqttClient> {
    const client = await connectClient(this.url, { clean: true });
    this.clients.push(client);
    return client;
  }

  /** Subscribes to `filter` and records what arrives. */
  async watch(filter: string): Promise<Watcher> {
    const client = await this.client();
    const messages: Watcher['messages'] = [];
    client.on('message', (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await client.subscribeAsync(filter, { qos: 1 });
    return {
      messages,
      client,
      last: (topic) => {
        const m = messages.filter((x) => x.topic === topic).at(-1);
        if (m === undefined) return undefined;
        return m.payload === '' ? null : JSON.parse(m.payload);
      },
    };
  }

  /** A retained topic the test created, cleared at the end on a shared broker. */
  retainedTopic(topic: string): void {
    this.retained.add(topic);
  }

  async close(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    };
    for (const p of this.publishers) await attempt(() => p.stop());
    if (this.hub !== undefined) await attempt(() => this.hub!.close());
    for (const c of this.clients) await attempt(() => c.endAsync(true));
    if (this.broker.external) {
      await attempt(() => clearRetained(this.url, [...this.retained]));
      for (const id of this.sessions) await attempt(() => discardSession(this.url, id));
    }
    await attempt(() => this.broker.close());
    this.outbox.close();
    this.dir.cleanup();
    if (errors.length > 0) throw errors[0];
  }
}

/** Starts the broker target and a rig on it; register `close` with afterEach. */
export async function openRig(target: BrokerTarget): Promise<Rig> {
  return new Rig(await target.start());
}
