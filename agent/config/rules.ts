/**
 * Configuration rules that zod's built-in checks do not express: value parsers that explain
 * what is wrong and how to fix it, and rules across fields. Problems are returned, not thrown,
 * so a broken file reports all of them at once.
 */

export interface RuleProblem {
  path: Array<string | number>;
  message: string;
}

const BROKER_SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:', 'ssl:'];
const TLS_SCHEMES = new Set(['mqtts:', 'wss:', 'ssl:']);

export { parseUtcOffset } from '../../protocols/zk/time.js';

/** What is wrong with a broker URL, or undefined when it is usable. */
export function brokerUrlProblem(text: string): string | undefined {
  if (!text.includes('://')) return `"${text}" has no scheme; write it as mqtt://${text} (or mqtts:// for TLS)`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL; write the broker like mqtt://127.0.0.1:1883 or mqtts://broker.example.com:8883`;
  }
  if (!BROKER_SCHEMES.includes(url.protocol)) {
    return `unknown scheme "${url.protocol}" in "${text}"; use ${BROKER_SCHEMES.slice(0, -1).join(', ')} or ${BROKER_SCHEMES.at(-1)}`;
  }
  if (url.hostname === '') return `"${text}" names no host; write e.g. ${url.protocol}//127.0.0.1:1883`;
  return undefined;
}

/** A USB vendor or product id: 0..65535, or a hex string like "0x08ff". */
export function parseUsbId(value: number | string): number | string {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (/^0x[0-9a-f]{1,4}$/i.test(value.trim())) n = Number.parseInt(value.trim().slice(2), 16);
  else if (/^\d{1,5}$/.test(value.trim())) n = Number(value.trim());
  else return `"${value}" is not a USB id; write a hex id as "0x08ff" (as lsusb shows 08ff) or a decimal number`;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) return `${value} is not a USB id; it must be within 0..65535 (0x0000..0xffff)`;
  return n;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const has = (o: Record<string, unknown>, key: string): boolean => o[key] !== undefined && o[key] !== null;

/**
 * Rules across fields. `config` may be only partly valid (other fields failed), so every access
 * is defensive; a rule that cannot be judged yet says nothing.
 */
export function crossFieldProblems(config: unknown): RuleProblem[] {
  if (!isRecord(config)) return [];
  const problems: RuleProblem[] = [];
  const terminals = list(config.terminals);
  const readers = list(config.hidReaders);

  if (terminals.length === 0 && readers.length === 0 && (config.terminals === undefined || Array.isArray(config.terminals)) && (config.hidReaders === undefined || Array.isArray(config.hidReaders))) {
    problems.push({
      path: ['terminals'],
      message: 'no terminals and no hidReaders: the agent would have nothing to read; add a terminal, e.g. "terminals: [{ name: front-door, url: zk+tcp://10.0.0.5:4370 }]", or an HID badge reader under hidReaders',
    });
  }

  const seen = new Map<string, string>();
  const checkName = (item: unknown, where: string, index: number): void => {
    if (!isRecord(item) || typeof item.name !== 'string') return;
    const first = seen.get(item.name);
    if (first !== undefined) {
      problems.push({ path: [where, index, 'name'], message: `"${item.name}" is already the name of ${first}; give every terminal and HID reader its own name` });
    } else seen.set(item.name, `${where}[${index}]`);
  };
  terminals.forEach((t, i) => checkName(t, 'terminals', i));
  readers.forEach((r, i) => {
    checkName(r, 'hidReaders', i);
    if (!isRecord(r)) return;
    const byIds = has(r, 'vendorId') || has(r, 'productId');
    if (has(r, 'path') && byIds) {
      problems.push({ path: ['hidReaders', i, 'path'], message: 'both path and vendorId/productId are set; keep either path or vendorId and productId' });
    } else if (!has(r, 'path') && !(has(r, 'vendorId') && has(r, 'productId'))) {
      const missing = has(r, 'vendorId') ? 'productId' : has(r, 'productId') ? 'vendorId' : 'vendorId';
      problems.push({
        path: ['hidReaders', i, missing],
        message: `required: the reader is found by vendorId and productId (see lsusb, e.g. "0x08ff" and "0x0009") or by path (e.g. /dev/hidraw0)`,
      });
    }
  });

  const broker = config.broker;
  if (isRecord(broker)) {
    if (has(broker, 'password') && has(broker, 'passwordFile')) {
      problems.push({ path: ['broker', 'passwordFile'], message: 'both password and passwordFile are set; keep one of them' });
    }
    if ((has(broker, 'password') || has(broker, 'passwordFile')) && !has(broker, 'username')) {
      problems.push({ path: ['broker', 'username'], message: 'required when a password is given; add the broker username' });
    }
    const tls = broker.tls;
    if (isRecord(tls)) {
      if (typeof broker.url === 'string' && brokerUrlProblem(broker.url) === undefined) {
        const scheme = new URL(broker.url).protocol;
        if (!TLS_SCHEMES.has(scheme)) {
          problems.push({ path: ['broker', 'tls'], message: `TLS options are set but broker.url uses ${scheme} (no TLS); use mqtts:// (or wss://) in broker.url, or remove tls` });
        }
      }
      if (has(tls, 'certFile') !== has(tls, 'keyFile')) {
        const missing = has(tls, 'certFile') ? 'keyFile' : 'certFile';
        problems.push({ path: ['broker', 'tls', missing], message: `required with ${missing === 'keyFile' ? 'certFile' : 'keyFile'}: a client certificate needs both certFile and keyFile` });
      }
    }
  }
  return problems;
}
