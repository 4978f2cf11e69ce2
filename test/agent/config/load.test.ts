import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../agent/config/load.js';
import { AgentError } from '../../../agent/errors.js';
import { tempDir } from '../../helpers/temp.js';

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

const VALID = `site: plant1
gateway: gw1
utcOffset: "+08:00"
broker:
  url: mqtt://127.0.0.1:1883
terminals:
  - name: front-door
    url: zk+tcp://127.0.0.1:4370
`;

/** The problems an invalid configuration reports, one per line. */
function problems(text: string, baseDir = '/srv/rollcall'): string[] {
  try {
    parseConfig(text, baseDir, { source: 'agent.yaml' });
  } catch (err) {
    expect(err).toBeInstanceOf(AgentError);
    expect((err as AgentError).code).toBe('CONFIG');
    const [head, ...lines] = (err as Error).message.split('\n');
    expect(head).toMatch(/^agent\.yaml has \d+ problems?:$/);
    expect(lines).toHaveLength(Number(/has (\d+)/.exec(head!)![1]));
    return lines.map((l) => l.trim());
  }
  throw new Error('expected the configuration to be refused');
}

describe('a broken configuration names the path and the fix', () => {
  it('a missing file names the file', async () => {
    const d = tempDir('config-');
    dirs.push(d);
    const missing = d.file('nope/agent.yaml');
    await expect(loadConfig(missing)).rejects.toMatchObject({ code: 'CONFIG', message: `cannot read the configuration ${missing}: no such file; check the path` });
  });

  it('an unreadable file says why', async () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const d = tempDir('config-');
    dirs.push(d);
    writeFileSync(d.file('agent.yaml'), VALID);
    chmodSync(d.file('agent.yaml'), 0o000);
    await expect(loadConfig(d.file('agent.yaml'))).rejects.toThrow(/permission denied; let the user the service runs as read it/);
  });

  it('a YAML syntax error gives line and column', () => {
    const text = `${VALID}publish:\n  batchSize: [1, 2\n`;
    expect(() => parseConfig(text, '/x', { source: 'agent.yaml' })).toThrow(/^agent\.yaml is not valid YAML:\n {2}line 11, column 1: /);
    expect(() => parseConfig('site: a\nsite: b\n', '/x')).toThrow(/line 2, column 1: Map keys must be unique/);
  });

  it('an empty file points at the example', () => {
    expect(() => parseConfig('# nothing yet\n', '/x', { source: 'agent.yaml' })).toThrow(/agent\.yaml is empty; start from fixtures\/agent\.example\.yaml/);
  });

  it('an unknown key is an error with a "did you mean" hint', () => {
    const text = VALID.replace('    url: zk+tcp', '    pollInterval: 30\n    url: zk+tcp').replace('site:', 'logLevl: debug\nsite:') + 'colour: blue\n';
    expect(problems(text)).toEqual([
      'logLevl: unknown key; did you mean "logLevel"?',
      'terminals[0].pollInterval: unknown key; did you mean "pollIntervalSeconds"?',
      'colour: unknown key; remove it, or use one of: site, gateway, utcOffset, logLevel, outbox, broker, publish, terminals, concurrentReads, hidReaders',
    ]);
    expect(problems(VALID.replace('terminals:', 'terminal:'))).toContain('terminal: unknown key; did you mean "terminals"?');
  });

  it('a bad terminal URL is reported at its own path with parseTerminalUrl\'s message', () => {
    const text = `${VALID}  - name: back-door\n    url: http://x\n  - name: serial\n    url: zk+serial:///dev/ttyS0?baud=115200&deviceId=300\n`;
    expect(problems(text)).toEqual([
      'terminals[1].url: unknown scheme "http:" in "http://x"; use zk+tcp:, zk+udp: or zk+serial:',
      'terminals[2].url: parameter deviceid=300 in "zk+serial:///dev/ttyS0?baud=115200&deviceId=300" must be an integer in 1..254',
    ]);
  });

  it('duplicate names point at the second one and the first', () => {
    const text = `${VALID}  - name: front-door\n    url: zk+udp://10.0.0.6\nhidReaders:\n  - name: front-door\n    path: /dev/hidraw0\n    terminal: gate\n`;
    expect(problems(text)).toEqual([
      'terminals[1].name: "front-door" is already the name of terminals[0]; give every terminal and HID reader its own name',
      'hidReaders[0].name: "front-door" is already the name of terminals[0]; give every terminal and HID reader its own name',
    ]);
  });

  it('no terminals and no readers is refused', () => {
    const text = VALID.slice(0, VALID.indexOf('terminals:'));
    expect(problems(text)).toEqual([expect.stringMatching(/^terminals: no terminals and no hidReaders: the agent would have nothing to read; add a terminal, e\.g\. /)]);
    expect(problems(`${text}terminals: []\nhidReaders: []\n`)).toHaveLength(1);
  });

  it('a bad utcOffset says how to write one', () => {
    expect(problems(VALID.replace('"+08:00"', '"8"'))).toEqual(['utcOffset: "8" is not allowed; write the offset like "+08:00" or "-05:30", in quotes']);
    expect(problems(VALID.replace('"+08:00"', '"+15:00"'))).toEqual(['utcOffset: "+15:00" is beyond ±14:00; write the site\'s offset, e.g. "+08:00"']);
    expect(problems(VALID.replace('utcOffset: "+08:00"\n', ''))).toEqual([
      'utcOffset: required; the site\'s UTC offset, e.g. "+08:00" (quote it in YAML); terminals keep local time with no zone',
    ]);
  });

  it('the broker URL: required, and only MQTT schemes', () => {
    expect(problems(VALID.replace('  url: mqtt://127.0.0.1:1883', '  username: agent'))).toEqual([
      'broker.url: required; the MQTT broker, e.g. mqtt://127.0.0.1:1883 (mqtt:, mqtts:, ws:, wss:, tcp: or ssl:)',
    ]);
    expect(problems(VALID.replace('mqtt://127.0.0.1:1883', 'http://127.0.0.1:1883'))).toEqual([
      'broker.url: unknown scheme "http:" in "http://127.0.0.1:1883"; use mqtt:, mqtts:, ws:, wss:, tcp: or ssl:',
    ]);
    expect(problems(VALID.replace('mqtt://127.0.0.1:1883', '127.0.0.1:1883'))).toEqual([
      'broker.url: "127.0.0.1:1883" has no scheme; write it as mqtt://127.0.0.1:1883 (or mqtts:// for TLS)',
    ]);
  });

  it('an unreadable TLS file names the setting and the resolved file', () => {
    const text = VALID.replace('mqtt://127.0.0.1:1883', 'mqtts://broker.example.com:8883\n  tls:\n    caFile: certs/ca.pem');
    expect(problems(text, '/srv/rollcall')).toEqual([
      'broker.tls.caFile: cannot read /srv/rollcall/certs/ca.pem: no such file; check the path (relative paths start from /srv/rollcall)',
    ]);
  });

  it('TLS options with a plain mqtt: URL, and a password without a username', () => {
    const d = tempDir('config-');
    dirs.push(d);
    writeFileSync(d.file('ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const text = VALID.replace('mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1883\n  password: secret\n  tls:\n    caFile: ca.pem');
    expect(problems(text, d.dir)).toEqual([
      'broker.username: required when a password is given; add the broker username',
      'broker.tls: TLS options are set but broker.url uses mqtt: (no TLS); use mqtts:// (or wss://) in broker.url, or remove tls',
    ]);
  });

  it('wrong types and ranges say what was expected', () => {
    const text = `${VALID.replace('gateway: gw1', 'gateway: 12')}publish:\n  batchSize: 6000\noutbox:\n  synchronous: full\n`;
    expect(problems(text)).toEqual([
      'gateway: expected text, got the number 12 (quote it if it is meant as text: "12"); this gateway\'s id within the site, part of every MQTT topic, e.g. "gw1"',
      'publish.batchSize: the number 6000 is above the maximum 5000; punches per MQTT message (1..5000)',
      'outbox.synchronous: expected one of "NORMAL", "FULL", got "full"; did you mean "FULL"?',
    ]);
    expect(problems(VALID.replace('site: plant1', 'site: plant/1'))).toEqual([
      'site: "plant/1" is not allowed; use letters, digits, ".", "_" and "-" (no "/", "+", "#" or spaces)',
    ]);
  });

  it('HID readers: a device by ids or by path, ids as numbers or hex strings', () => {
    const reader = (body: string): string => `${VALID}hidReaders:\n  - name: gate\n    terminal: gate-1\n${body}`;
    expect(problems(reader('    vendorId: "0x08ff"\n'))).toEqual([
      'hidReaders[0].productId: required: the reader is found by vendorId and productId (see lsusb, e.g. "0x08ff" and "0x0009") or by path (e.g. /dev/hidraw0)',
    ]);
    expect(problems(reader('    vendorId: "0xZZ"\n    productId: 70000\n'))).toEqual([
      'hidReaders[0].vendorId: "0xZZ" is not a USB id; write a hex id as "0x08ff" (as lsusb shows 08ff) or a decimal number',
      'hidReaders[0].productId: 70000 is not a USB id; it must be within 0..65535 (0x0000..0xffff)',
    ]);
    expect(problems(reader('    path: /dev/hidraw0\n    vendorId: 1\n    productId: 2\n'))).toEqual([
      'hidReaders[0].path: both path and vendorId/productId are set; keep either path or vendorId and productId',
    ]);
  });

  it('lists every problem of a badly broken file at once, in file order', () => {
    const text = `site: a b\nutcOffset: "+8"\nbroker: { url: ftp://x, passwrd: y }\nterminals:\n  - { name: t, url: "zk+tcp://" }\n  - { name: t, url: zk+tcp://h, realtime: "yes" }\n`;
    const lines = problems(text);
    expect(lines).toHaveLength(8);
    // A missing key sorts where its parent starts: gateway is missing from the top level.
    expect(lines.map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      'gateway',
      'site',
      'utcOffset',
      'broker.url',
      'broker.passwrd',
      'terminals[0].url',
      'terminals[1].name',
      'terminals[1].realtime',
    ]);
    expect(lines[4]).toBe('broker.passwrd: unknown key; did you mean "password"?');
    expect(lines[7]).toBe('terminals[1].realtime: expected true or false, got "yes"; also listen for realtime punch events between polls');
  });
});

describe('loadConfig', () => {
  it('reads a file and resolves paths against its folder', async () => {
    const d = tempDir('config-');
    dirs.push(d);
    mkdirSync(d.file('etc'));
    writeFileSync(d.file('etc/agent.yaml'), `${VALID}outbox:\n  path: ../var/outbox.sqlite\n`);
    const config = await loadConfig(d.file('etc/agent.yaml'));
    expect(config.outbox.path).toBe(d.file('var/outbox.sqlite'));
  });
});
