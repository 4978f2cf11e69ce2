import { ProtocolError } from '../errors.js';
import { DEFAULT_PORT } from '../zk/commands.js';
import { SerialTransport, type SerialBinding } from './serial.js';
import { TcpTransport } from './tcp.js';
import type { Transport, TransportKind } from './types.js';
import { UdpTransport } from './udp.js';

/**
 * A terminal address: `zk+tcp://10.0.0.5:4370?commkey=123`, `zk+udp://10.0.0.5`,
 * `zk+serial:///dev/ttyUSB0?baud=115200&deviceId=1`. Query: `commkey`, `timeout` (ms), and for
 * serial `baud` and `deviceId`.
 */
export interface TerminalEndpoint {
  kind: TransportKind;
  host: string | undefined;
  port: number | undefined;
  path: string | undefined;
  baudRate: number | undefined;
  deviceId: number | undefined;
  commKey: number | undefined;
  timeoutMs: number | undefined;
  /** The URL with any comm key masked, safe for logs. */
  display: string;
}

const SCHEMES: Record<string, TransportKind> = { 'zk+tcp:': 'tcp', 'zk+udp:': 'udp', 'zk+serial:': 'serial' };
const KNOWN_PARAMS = new Set(['commkey', 'timeout', 'baud', 'deviceid']);

export function parseTerminalUrl(text: string): TerminalEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProtocolError('INVALID_URL', `"${text}" is not a URL; expected zk+tcp://host:4370, zk+udp://host:4370 or zk+serial:///dev/ttyUSB0`);
  }
  const kind = SCHEMES[url.protocol];
  if (kind === undefined) {
    throw new ProtocolError('INVALID_URL', `unknown scheme "${url.protocol}" in "${text}"; use zk+tcp:, zk+udp: or zk+serial:`);
  }
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    const k = key.toLowerCase();
    if (!KNOWN_PARAMS.has(k)) {
      throw new ProtocolError('INVALID_URL', `unknown parameter "${key}" in "${text}"; known: commkey, timeout, baud, deviceId`);
    }
    params.set(k, value);
  }
  const int = (name: string, min: number, max: number): number | undefined => {
    const raw = params.get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      throw new ProtocolError('INVALID_URL', `parameter ${name}=${raw} in "${text}" must be an integer in ${min}..${max}`);
    }
    return n;
  };
  const commKey = int('commkey', 0, 0xffffffff);
  const timeoutMs = int('timeout', 1, 3_600_000);
  const masked = new URL(text);
  if (commKey !== undefined) masked.searchParams.set('commkey', '***');
  const display = decodeURIComponent(masked.toString());

  if (kind === 'serial') {
    let path = decodeURIComponent(url.host ? `//${url.host}${url.pathname}` : url.pathname);
    if (/^\/COM\d+$/i.test(path)) path = path.slice(1).toUpperCase(); // zk+serial:///COM3 on Windows
    if (path === '' || path === '/') throw new ProtocolError('INVALID_URL', `"${text}" names no serial device; expected zk+serial:///dev/ttyUSB0`);
    return {
      kind, host: undefined, port: undefined, path,
      baudRate: int('baud', 50, 4_000_000), deviceId: int('deviceid', 1, 254),
      commKey, timeoutMs, display,
    };
  }
  if (params.has('baud') || params.has('deviceid')) {
    throw new ProtocolError('INVALID_URL', `baud and deviceId apply to zk+serial: only, not "${text}"`);
  }
  if (url.hostname === '') throw new ProtocolError('INVALID_URL', `"${text}" names no host`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  return { kind, host, port, path: undefined, baudRate: undefined, deviceId: undefined, commKey, timeoutMs, display };
}

export interface TransportFactoryOptions {
  /** Serial binding to use instead of the native one (tests, the simulator). */
  serialBinding?: SerialBinding;
}

export function createTransport(endpoint: TerminalEndpoint, options: TransportFactoryOptions = {}): Transport {
  switch (endpoint.kind) {
    case 'tcp':
      return new TcpTransport({ host: endpoint.host!, port: endpoint.port });
    case 'udp':
      return new UdpTransport({ host: endpoint.host!, port: endpoint.port });
    case 'serial':
      return new SerialTransport({
        path: endpoint.path!,
        baudRate: endpoint.baudRate,
        deviceId: endpoint.deviceId,
        binding: options.serialBinding,
      });
  }
}
