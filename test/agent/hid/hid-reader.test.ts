import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { hidPunch, userIdForCard } from '../../../agent/hid/hid-punch.js';
import { HID_INSTALL_FIX, openHidReader, type HidReader } from '../../../agent/hid/hid-reader.js';
import { silent } from '../../helpers/temp.js';

/**
 * Stands in for the USB device: an EventEmitter with node-hid's HID interface (on('data'),
 * on('error'), close()). The module object around it has node-hid's shape: { HID, getHidapiVersion }.
 */
class FakeDevice extends EventEmitter {
  static opened: FakeDevice[] = [];
  static failOpens = 0;
  closed = false;
  readonly args: unknown[];
  constructor(...args: unknown[]) {
    super();
    if (FakeDevice.failOpens > 0) {
      FakeDevice.failOpens--;
      throw new Error('cannot open device with vendor id 0x8ff and product id 0x9');
    }
    this.args = args;
    FakeDevice.opened.push(this);
  }
  close(): void {
    this.closed = true;
  }
  /** The reader types `text` and Enter, as boot keyboard reports. */
  swipe(text: string): void {
    for (const ch of `${text}\n`) {
      const usage = ch === '\n' ? 0x28 : ch === '0' ? 0x27 : 0x1e + Number(ch) - 1;
      this.emit('data', Buffer.from([0, 0, usage, 0, 0, 0, 0, 0]));
      this.emit('data', Buffer.alloc(8));
    }
  }
}
const fakeNodeHid = { HID: FakeDevice, getHidapiVersion: () => '0.14.0' };

const readers: HidReader[] = [];
afterEach(() => {
  for (const r of readers.splice(0)) r.close();
  FakeDevice.opened = [];
  FakeDevice.failOpens = 0;
});

const CONFIG = { name: 'gate', vendorId: 0x08ff, productId: 0x0009, path: undefined, maxLength: 20, keystrokeTimeoutMs: 500 };

async function open(config = CONFIG, extra: { retryMinMs?: number } = {}): Promise<{ reader: HidReader; cards: Array<[string, Date]> }> {
  const cards: Array<[string, Date]> = [];
  const reader = await openHidReader(config, { logger: silent, onCard: (card, at) => cards.push([card, at]), loadHid: async () => fakeNodeHid, ...extra });
  readers.push(reader);
  return { reader, cards };
}

describe('openHidReader', () => {
  it('fails with a clear fix when node-hid cannot be loaded', async () => {
    const missing = Object.assign(new Error("Cannot find package 'node-hid' imported from /app/dist/agent/hid/hid-reader.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const attempt = openHidReader(CONFIG, { logger: silent, onCard: () => undefined, loadHid: () => Promise.reject(missing) });
    await expect(attempt).rejects.toMatchObject({ name: 'AgentError', code: 'HID' });
    await expect(attempt).rejects.toThrow(`HID reader "gate" needs node-hid, which cannot be loaded (Cannot find package 'node-hid' imported from /app/dist/agent/hid/hid-reader.js); ${HID_INSTALL_FIX}`);
    expect(HID_INSTALL_FIX).toMatch(/npm install node-hid.*apt-get install libusb-1\.0-0/);
  });

  it('fails with a clear fix when node-hid is there but libusb is not', async () => {
    const noLibusb = {
      HID: FakeDevice,
      getHidapiVersion: () => {
        throw new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory');
      },
    };
    const attempt = openHidReader(CONFIG, { logger: silent, onCard: () => undefined, loadHid: async () => noLibusb });
    await expect(attempt).rejects.toMatchObject({ code: 'HID' });
    await expect(attempt).rejects.toThrow(/node-hid is installed but its native part cannot load \(libusb-1\.0\.so\.0: cannot open shared object file.*\); install libusb \(apt-get install libusb-1\.0-0/);
    expect(FakeDevice.opened).toHaveLength(0);
  });

  it('refuses a module without node-hid\'s HID class', async () => {
    await expect(openHidReader(CONFIG, { logger: silent, onCard: () => undefined, loadHid: async () => ({ default: {} }) })).rejects.toMatchObject({ code: 'HID' });
  });

  it('does not load node-hid until a reader is opened', () => {
    const source = readFileSync(fileURLToPath(new URL('../../../agent/hid/hid-reader.ts', import.meta.url)), 'utf8');
    expect(source).not.toMatch(/^import .*node-hid/m);
    expect(source).toMatch(/import\(NODE_HID\)/);
  });

  it('opens by vendor and product id, or by path (also through an ESM default export), and turns swipes into cards', async () => {
    const { cards } = await open();
    expect(FakeDevice.opened[0]!.args).toEqual([0x08ff, 0x0009]);
    FakeDevice.opened[0]!.swipe('0004512345');
    FakeDevice.opened[0]!.swipe('42');
    expect(cards.map(([c]) => c)).toEqual(['0004512345', '42']);
    expect(cards[0]![1]).toBeInstanceOf(Date);

    const byPath = await openHidReader({ ...CONFIG, name: 'p', vendorId: undefined, productId: undefined, path: '/dev/hidraw3' }, {
      logger: silent,
      onCard: () => undefined,
      loadHid: async () => ({ default: fakeNodeHid }),
    });
    readers.push(byPath);
    expect(FakeDevice.opened[1]!.args).toEqual(['/dev/hidraw3']);
  });

  it('a failing onCard is logged, and the reader goes on', async () => {
    const seen: string[] = [];
    const reader = await openHidReader(CONFIG, {
      logger: silent,
      loadHid: async () => fakeNodeHid,
      onCard: (card) => {
        seen.push(card);
        if (seen.length === 1) throw new Error('outbox full');
      },
    });
    readers.push(reader);
    FakeDevice.opened[0]!.swipe('1');
    FakeDevice.opened[0]!.swipe('2');
    expect(seen).toEqual(['1', '2']);
  });

  it('reopens with backoff after a device error (unplugged) and after a failed open', async () => {
    const { reader, cards } = await open(CONFIG, { retryMinMs: 10 });
    const first = FakeDevice.opened[0]!;
    first.emit('data', Buffer.from([0, 0, 0x1e, 0, 0, 0, 0, 0])); // a partial number, then the cable is pulled
    FakeDevice.failOpens = 2;
    first.emit('error', new Error('could not read from HID device'));
    expect(first.closed).toBe(true);
    expect(reader.connected).toBe(false);
    await expect.poll(() => FakeDevice.opened.length, { timeout: 2000 }).toBe(2);
    expect(reader.connected).toBe(true);
    FakeDevice.opened[1]!.swipe('77');
    expect(cards.map(([c]) => c)).toEqual(['77']); // the partial "1" from before the error is gone
  });

  it('a reader absent at start is retried, not fatal; close() stops the retries and closes the device', async () => {
    FakeDevice.failOpens = 1;
    const { reader } = await open(CONFIG, { retryMinMs: 10 });
    expect(reader.connected).toBe(false);
    await expect.poll(() => reader.connected, { timeout: 2000 }).toBe(true);
    reader.close();
    expect(FakeDevice.opened[0]!.closed).toBe(true);
    FakeDevice.failOpens = 0;
  });

  it('with the real node-hid: opens, or fails with the clear error when libusb is missing', async () => {
    const attempt = openHidReader({ ...CONFIG, vendorId: 0xfffe, productId: 0xfffe }, { logger: silent, onCard: () => undefined, retryMinMs: 60_000 });
    const outcome = await attempt.then(
      (reader) => {
        readers.push(reader);
        return 'opened or retrying';
      },
      (err: Error) => err.message,
    );
    if (outcome !== 'opened or retrying') expect(outcome).toMatch(/install (node-hid|libusb)/);
  });
});

describe('hidPunch', () => {
  it('makes a punch for the reader\'s terminal id at the site\'s offset, mapping cards to user ids', () => {
    const reader = { terminal: 'gate-1', state: 1, cards: new Map([['04A1B2', '1001']]) };
    const at = new Date('2026-11-23T00:59:01.700Z');
    expect(hidPunch(reader, '04a1b2', at, 480)).toEqual({
      deviceSerial: 'gate-1',
      userId: '1001',
      localTime: '2026-11-23T08:59:01',
      at: '2026-11-23T08:59:01+08:00',
      state: 1,
      verify: 4,
      workcode: 0,
      source: 'hid',
    });
    expect(hidPunch({ ...reader, cards: undefined }, '0004512345', at, -330).at).toBe('2026-11-22T19:29:01-05:30');
    expect(userIdForCard({ cards: undefined }, '0004512345')).toBe('0004512345');
  });
});
