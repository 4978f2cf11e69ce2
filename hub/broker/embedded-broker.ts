import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { HUB_CLIENT_PREFIX, type BrokerAccess, type BrokerIdentity } from './access.js';

/**
 * The embedded MQTT broker: aedes on a TCP listener, optionally TLS and WebSocket. The hub runs it
 * by default; tests, benchmarks and the demo use the same code. Every accepted socket gets
 * TCP_NODELAY: without it Nagle's algorithm holds back the small PUBACKs and application acks and
 * durable throughput halves. With `access`, clients must sign in and each gateway is confined to
 * its own topics (see access.ts).
 */
/** A running embedded broker. */
export interface EmbeddedBroker {
  url: string;
  port: number;
  /** `mqtts://127.0.0.1:{tlsPort}` when started with `tls`. */
  tlsUrl: string | undefined;
  tlsPort: number | undefined;
  /** `ws://127.0.0.1:{port}{path}` when started with `websocket`. */
  wsUrl: string | undefined;
  aedes: Aedes;
  /** Drops every client connection, stops listening and closes aedes (retained messages and sessions are lost). */
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  /** 0 (default) picks a free port; give a port to bring a broker "back" where it was. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** A custom sign-in check (tests); `access` replaces it. */
  authenticate?: AedesOptions['authenticate'];
  /** Sign-in and per-gateway topic rules; without it anyone may do anything (tests, benchmarks). */
  access?: BrokerAccess;
  /** Also listen for TLS with this key and certificate (port 0 or absent: a free one). */
  tls?: { key: string | Buffer; cert: string | Buffer; port?: number };
  /** Also accept MQTT over WebSocket on this port and path. */
  websocket?: { port: number; path: string };
  /** Called when the access rules refuse a client something (the hub logs it). */
  onRefused?: (what: { clientId: string; reason: string }) => void;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const aedesOptions: AedesOptions = options.access === undefined ? {} : accessHandlers(options.access, options.onRefused);
  if (options.authenticate !== undefined && options.access === undefined) aedesOptions.authenticate = options.authenticate;
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
      tlsPort = await listen(secure, options.tls.port ?? 0, host);
    } catch (err) {
      await closeServer(server);
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      throw err;
    }
  }
  let wsServer: Server | undefined;
  let wss: WebSocketServer | undefined;
  let wsUrl: string | undefined;
  if (options.websocket !== undefined) {
    const http = await import('node:http');
    const httpServer = http.createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n'));
    const ws = new WebSocketServer({ server: httpServer, path: options.websocket.path });
    ws.on('connection', (socket, req) => {
      req.socket.setNoDelay(true);
      sockets.add(req.socket);
      req.socket.on('close', () => sockets.delete(req.socket));
      const stream = createWebSocketStream(socket);
      stream.on('error', () => stream.destroy());
      aedes.handle(stream);
    });
    wsServer = httpServer;
    wss = ws;
    try {
      const wsPort = await listen(httpServer, options.websocket.port, host);
      wsUrl = `ws://${urlHost(host)}:${wsPort}${options.websocket.path}`;
    } catch (err) {
      await Promise.all([closeServer(server), tlsServer === undefined ? undefined : closeServer(tlsServer)]);
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
    wsUrl,
    aedes,
    close: () => {
      closing ??= (async () => {
        wss?.close();
        const stopped = Promise.all([closeServer(server), tlsServer === undefined ? undefined : closeServer(tlsServer), wsServer === undefined ? undefined : closeServer(wsServer)]);
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}

/** aedes hooks that apply the access rules; the identity rides on the aedes client. */
function accessHandlers(access: BrokerAccess, onRefused: EmbeddedBrokerOptions['onRefused']): AedesOptions {
  const identities = new WeakMap<Client, BrokerIdentity>();
  const refuse = (client: Client | null, reason: string): Error => {
    onRefused?.({ clientId: client?.id ?? '(unknown)', reason });
    return new Error(reason);
  };
  return {
    authenticate: (client, username, password, done) => {
      const identity = access.authenticate(client.id, username, password === undefined ? undefined : Buffer.from(password));
      if (identity === null) {
        const reserved = client.id.startsWith(HUB_CLIENT_PREFIX) && username !== 'rollcall-hub';
        refuse(client, reserved ? `client id ${client.id} is reserved for the hub` : `bad username or password for "${username ?? ''}"`);
        const err = new Error('bad username or password') as AuthenticateError;
        err.returnCode = 4;
        done(err, false);
        return;
      }
      identities.set(client, identity);
      done(null, true);
    },
    authorizePublish: (client, packet, done) => {
      if (client === null) return done(null); // the broker's own publications ($SYS)
      const identity = identities.get(client);
      const reason = identity === undefined ? 'not signed in' : access.publishRefusal(identity, packet.topic);
      done(reason === null ? null : refuse(client, reason));
    },
    authorizeSubscribe: (client, subscription, done) => {
      const identity = identities.get(client);
      const reason = identity === undefined ? 'not signed in' : access.subscribeRefusal(identity, subscription.topic);
      if (reason === null) return done(null, subscription);
      refuse(client, reason);
      // A refused subscription is granted as 0x80 (failure) rather than dropping the connection.
      done(null, null);
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
