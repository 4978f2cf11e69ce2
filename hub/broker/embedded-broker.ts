import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';

/**
 * The embedded MQTT broker: aedes on a TCP listener (and optionally TLS). The hub runs it by
 * default; tests, benchmarks and the demo use the same code. Every accepted socket gets
 * TCP_NODELAY: without it Nagle's algorithm holds back the small PUBACKs and application acks and
 * durable throughput halves.
 */
/** A running embedded broker. */
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
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
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
  const host = options.host ?? '127.0.0.1';
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host);
  } catch (err) {
    // A broker that cannot listen must not keep its timers (and so the process) alive.
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw err;
  }
  let tlsServer: Server | undefined;
  let tlsPort: number | undefined;
  if (options.tls !== undefined) {
    const secure = createTlsServer({ key: options.tls.key, cert: options.tls.cert }, (s) => {
      track(s);
      aedes.handle(s);
    });
    secure.on('tlsClientError', () => undefined);
    tlsServer = secure;
    try {
      tlsPort = await listen(secure, 0, host);
    } catch (err) {
      await closeServer(server);
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      throw err;
    }
  }
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://${urlHost(host)}:${port}`,
    port,
    tlsUrl: tlsPort === undefined ? undefined : `mqtts://${urlHost(host)}:${tlsPort}`,
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

/** Where a client on this machine reaches a listener on `host`. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
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
