import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

/** A real aedes broker on real sockets (127.0.0.1). */
export interface EmbeddedBroker {
  url: string;
  port: number;
  /** `mqtts://127.0.0.1:{tlsPort}` when started with `tls`. */
  tlsUrl: string | undefined;
  tlsPort: number | undefined;
  aedes: Aedes;
  /** Drops every client connection, stops listening and closes aedes (retained messages and sessions are lost). */
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  /** 0 (default) picks a free port; give a port to bring a broker "back" where it was. */
  port?: number;
  authenticate?: AedesOptions['authenticate'];
  /** Also listen for TLS on another free port with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const aedesOptions: AedesOptions = {};
  if (options.authenticate !== undefined) aedesOptions.authenticate = options.authenticate;
  const aedes = await Aedes.createBroker(aedesOptions);
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    // Small packets (PUBACKs, acks) must not wait for Nagle's algorithm; the hub's broker does the same.
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = createServer((s) => {
    track(s);
    aedes.handle(s);
  });
  const port = await listen(server, options.port ?? 0);
  let tlsServer: Server | undefined;
  let tlsPort: number | undefined;
  if (options.tls !== undefined) {
    const secure = createTlsServer({ key: options.tls.key, cert: options.tls.cert }, (s) => {
      track(s);
      aedes.handle(s);
    });
    secure.on('tlsClientError', () => undefined);
    tlsServer = secure;
    tlsPort = await listen(secure, 0);
  }
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    tlsUrl: tlsPort === undefined ? undefined : `mqtts://127.0.0.1:${tlsPort}`,
    tlsPort,
    aedes,
    close: () => {
      closing ??= (async () => {
        const stopped = Promise.all([closeServer(server), tlsServer === undefined ? undefined : closeServer(tlsServer)]);
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(address.port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

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
