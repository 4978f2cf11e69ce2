import type { IClientOptions } from 'mqtt';

/** How to reach the broker. */
export interface BrokerOptions {
  /** `mqtt://host:1883` or `mqtts://host:8883` (TLS). */
  url: string;
  username?: string;
  password?: string;
  /** Default `rollcall-agent-{site}-{gateway}`; must stay the same across restarts (persistent session). */
  clientId?: string;
  /** TLS settings for `mqtts://` URLs, passed to `tls.connect`. */
  tls?: BrokerTls;
  /** MQTT keepalive in seconds (default 30): how soon a dead connection is noticed. */
  keepaliveSeconds?: number;
  /** Give up on one connection attempt after this long (default 10,000 ms). */
  connectTimeoutMs?: number;
}

export interface BrokerTls {
  /** CA certificate(s) the broker's certificate must chain to (a private CA or a self-signed cert). */
  ca?: string | Buffer | string[] | Buffer[];
  /** Client certificate and key, for brokers that want mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true. Turning it off accepts any certificate: only for a lab. */
  rejectUnauthorized?: boolean;
  /** Server name for SNI and the certificate check, when it differs from the URL's host. */
  servername?: string;
}

export interface WillMessage {
  topic: string;
  payload: string;
}

/**
 * mqtt.js options for the agent's connection: MQTT 3.1.1 (aedes and Mosquitto both speak it), a
 * persistent session (`clean: false`), the retained offline Will, and mqtt.js's own reconnect
 * timer off (`reconnectPeriod: 0`): the publisher reconnects itself with backoff and jitter.
 */
export function clientOptions(broker: BrokerOptions, clientId: string, will: WillMessage): IClientOptions {
  const options: IClientOptions = {
    protocolVersion: 4,
    clientId,
    clean: false,
    keepalive: broker.keepaliveSeconds ?? 30,
    connectTimeout: broker.connectTimeoutMs ?? 10_000,
    reconnectPeriod: 0,
    resubscribe: false,
    queueQoSZero: false,
    // mqtt-packet otherwise pre-builds a Buffer for each of the 65,536 packet ids: 6 MB of heap.
    writeCache: false,
    will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
  };
  if (broker.username !== undefined) options.username = broker.username;
  if (broker.password !== undefined) options.password = broker.password;
  const tls = broker.tls;
  if (tls !== undefined) {
    if (tls.ca !== undefined) options.ca = tls.ca;
    if (tls.cert !== undefined) options.cert = tls.cert;
    if (tls.key !== undefined) options.key = tls.key;
    if (tls.servername !== undefined) options.servername = tls.servername;
    options.rejectUnauthorized = tls.rejectUnauthorized ?? true;
  }
  return options;
}

/** MQTT 3.1.1 CONNACK return codes other than 0. */
const CONNACK_REFUSED: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

export interface ClassifiedError {
  /** A human sentence for the log and the AgentError. */
  message: string;
  /**
   * Configuration problems retrying cannot fix (credentials refused, certificate not trusted):
   * the first start fails with them instead of retrying quietly.
   */
  permanent: boolean;
}

/** Sorts an error mqtt.js emitted into "retry later" and "the configuration is wrong". */
export function classifyError(err: Error & { code?: unknown }, url: string): ClassifiedError {
  const code = err.code;
  if (typeof code === 'number' && code in CONNACK_REFUSED) {
    return { message: `broker ${redact(url)} refused the connection: ${CONNACK_REFUSED[code]} (CONNACK ${code})`, permanent: code !== 3 };
  }
  if (typeof code === 'string' && (code.startsWith('ERR_TLS_') || code.includes('CERT') || code === 'ERR_SSL_WRONG_VERSION_NUMBER')) {
    return { message: `TLS with broker ${redact(url)} failed: ${err.message} (${code})`, permanent: true };
  }
  const suffix = typeof code === 'string' ? ` (${code})` : '';
  return { message: `broker ${redact(url)}: ${err.message}${suffix}`, permanent: false };
}

/** A broker URL without any password in it, for logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
