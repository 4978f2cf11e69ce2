import { randomBytes } from 'node:crypto';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../hub/broker/embedded-broker.js';

export { startEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerOptions } from '../../hub/broker/embedded-broker.js';

/** A broker a test runs against: a fresh embedded aedes, or the external broker of MQTT_URL. */
export interface BrokerTarget {
  name: string;
  /** True for a shared broker: clean up retained messages and sessions, don't restart it. */
  external: boolean;
  start(): Promise<BrokerHandle>;
}

export interface BrokerHandle {
  url: string;
  external: boolean;
  /** Closes an embedded broker; nothing for an external one. */
  close(): Promise<void>;
  embedded: EmbeddedBroker | undefined;
}

/** Every broker the publisher tests run against: always embedded aedes, plus MQTT_URL (Mosquitto) when set. */
export function brokers(): BrokerTarget[] {
  const list: BrokerTarget[] = [
    {
      name: 'aedes (embedded)',
      external: false,
      start: async () => {
        const b = await startEmbeddedBroker();
        return { url: b.url, external: false, close: () => b.close(), embedded: b };
      },
    },
  ];
  const external = process.env.MQTT_URL;
  if (external !== undefined && external !== '') {
    list.push({ name: `external ${external}`, external: true, start: async () => ({ url: external, external: true, close: async () => undefined, embedded: undefined }) });
  }
  return list;
}

/** Site and gateway ids no other test run shares (tests on a shared Mosquitto must not see each other). */
export function uniqueIds(prefix = 't'): { site: string; gateway: string } {
  const suffix = randomBytes(5).toString('hex');
  return { site: `${prefix}-site-${suffix}`, gateway: `gw-${suffix}` };
}

/** Connects a plain client and resolves once connected. */
export function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

/** Removes retained messages: an empty retained payload on each topic. */
export async function clearRetained(url: string, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const client = await connectClient(url, { clean: true });
  try {
    await Promise.all(topics.map((t) => client.publishAsync(t, '', { qos: 1, retain: true })));
  } finally {
    await client.endAsync();
  }
}

/** Ends a persistent session left by a client id: connect with clean: true and disconnect. */
export async function discardSession(url: string, clientId: string): Promise<void> {
  const client = await connectClient(url, { clientId, clean: true });
  await client.endAsync();
}
