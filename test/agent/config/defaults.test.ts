import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../agent/config/load.js';
import { tempDir } from '../../helpers/temp.js';

const EXAMPLE = fileURLToPath(new URL('../../../fixtures/agent.example.yaml', import.meta.url));
const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

const MINIMAL = `site: plant1
gateway: gw1
utcOffset: "-05:30"
broker: { url: mqtt://127.0.0.1:1883 }
terminals:
  - { name: front-door, url: "zk+serial:///dev/ttyS0?baud=115200&deviceId=1" }
`;

describe('a valid configuration', () => {
  it('gets every default filled in, the offset in minutes and the terminal URL parsed', () => {
    const c = parseConfig(MINIMAL, '/srv/rollcall');
    expect(c).toEqual({
      site: 'plant1',
      gateway: 'gw1',
      utcOffset: -330,
      logLevel: 'info',
      outbox: { path: '/srv/rollcall/rollcall-agent.sqlite', synchronous: 'FULL', maxBacklog: 2_000_000, minFreeMB: 256, keepDelivered: 500_000, cacheMB: 2 },
      broker: { url: 'mqtt://127.0.0.1:1883' },
      publish: { batchSize: 500, maxInflightBatches: 8, ackTimeoutSeconds: 10 },
      terminals: [
        {
          name: 'front-door',
          url: 'zk+serial:///dev/ttyS0?baud=115200&deviceId=1',
          pollIntervalSeconds: 60,
          realtime: true,
          clock: { maxDriftSeconds: 60, correct: false },
          clearAfterAck: { enabled: false, minFillPercent: 80 },
          endpoint: expect.objectContaining({ kind: 'serial', path: '/dev/ttyS0', baudRate: 115200, deviceId: 1 }),
        },
      ],
      concurrentReads: 2,
      hidReaders: [],
    });
  });

  it('reads the password file and TLS files, relative to the configuration\'s folder', async () => {
    const d = tempDir('config-');
    dirs.push(d);
    const pem = (what: string): string => `-----BEGIN ${what}-----\nMIIB\n-----END ${what}-----\n`;
    writeFileSync(d.file('password.txt'), 's3cret\n');
    writeFileSync(d.file('ca.pem'), pem('CERTIFICATE'));
    writeFileSync(d.file('client.pem'), pem('CERTIFICATE'));
    writeFileSync(d.file('client.key'), pem('PRIVATE KEY'));
    const text = MINIMAL.replace(
      'broker: { url: mqtt://127.0.0.1:1883 }',
      `broker:\n  url: mqtts://broker.example.com:8883\n  username: gw1\n  passwordFile: password.txt\n  tls: { caFile: ca.pem, certFile: client.pem, keyFile: ${d.file('client.key')} }`,
    );
    writeFileSync(d.file('agent.yaml'), text);
    const c = await loadConfig(d.file('agent.yaml'));
    expect(c.broker).toEqual({
      url: 'mqtts://broker.example.com:8883',
      username: 'gw1',
      password: 's3cret',
      tls: {
        rejectUnauthorized: true,
        caFile: d.file('ca.pem'),
        ca: pem('CERTIFICATE'),
        certFile: d.file('client.pem'),
        cert: pem('CERTIFICATE'),
        keyFile: d.file('client.key'),
        key: pem('PRIVATE KEY'),
      },
    });
    // `agent status` needs none of the secrets: a missing file does not stop it.
    writeFileSync(d.file('agent.yaml'), text.replace('ca.pem', 'gone.pem'));
    await expect(loadConfig(d.file('agent.yaml'))).rejects.toThrow(/broker\.tls\.caFile: cannot read .*gone\.pem: no such file/);
    expect((await loadConfig(d.file('agent.yaml'), { readSecrets: false })).broker.password).toBeUndefined();
  });

  it('HID readers: hex ids, card numbers kept exactly as written (leading zeros), upper-case hex', () => {
    const text = `${MINIMAL}hidReaders:
  - name: gate
    vendorId: "0x08FF"
    productId: 9
    terminal: gate-1
    state: 1
    cards:
      0004512345: 0012
      "0099": "7"
      04a1b2: 1001
`;
    const [reader] = parseConfig(text, '/x').hidReaders;
    expect(reader).toMatchObject({ name: 'gate', vendorId: 0x08ff, productId: 9, terminal: 'gate-1', state: 1, maxLength: 20, keystrokeTimeoutMs: 500 });
    expect([...reader!.cards!]).toEqual([
      ['0004512345', '0012'],
      ['0099', '7'],
      ['04A1B2', '1001'],
    ]);
  });

  it('the example configuration is valid and documents every key with its default', () => {
    const c = parseConfig(readFileSync(EXAMPLE, 'utf8'), dirname(EXAMPLE), { source: EXAMPLE });
    expect(c).toMatchObject({ site: 'demo-site', gateway: 'gw1', utcOffset: 480, broker: { url: 'mqtt://127.0.0.1:1883' } });
    expect(c.terminals.map((t) => t.endpoint.display)).toEqual(['zk+tcp://127.0.0.1:4370']);
    expect(c.outbox.path).toBe(resolve(dirname(EXAMPLE), 'rollcall-agent.sqlite'));
    // The values written in the example are the defaults: deleting them changes nothing.
    const bare = parseConfig(MINIMAL.replace('"-05:30"', '"+08:00"').replace(/terminals:[\s\S]*/, 'terminals: [{ name: simulator, url: "zk+tcp://127.0.0.1:4370" }]\n').replace('gw1', 'gw1').replace('plant1', 'demo-site'), dirname(EXAMPLE));
    expect(c).toEqual(bare);
  });

  it('the example\'s commented HID reader block is valid once uncommented', () => {
    const text = readFileSync(EXAMPLE, 'utf8')
      .replace('hidReaders: []', 'hidReaders:')
      .replace(/^#( {2}- name: gate-reader[\s\S]*)$/m, (block) => block.replace(/^#/gm, ''));
    const c = parseConfig(text, dirname(EXAMPLE));
    expect(c.hidReaders).toEqual([expect.objectContaining({ name: 'gate-reader', vendorId: 0x08ff, productId: 0x0009, terminal: 'gate-reader-1' })]);
    expect(c.hidReaders[0]!.cards!.get('0004512345')).toBe('1001');
  });
});
