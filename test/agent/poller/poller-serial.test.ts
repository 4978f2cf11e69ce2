import { afterEach, describe, expect, it } from 'vitest';
import { createZkClient } from '../../../agent/poller/client-factory.js';
import { TerminalPoller } from '../../../agent/poller/poller.js';
import { Outbox } from '../../../agent/store/outbox.js';
import { createSimulatorSerialBinding, TerminalSimulator } from '../../../fixtures/sim/index.js';
import type { SerialBinding } from '../../../protocols/transport/serial.js';
import { FIXED_BASE } from '../../helpers/sim-harness.js';
import { silent, tempDir } from '../../helpers/temp.js';
import { idOf, ids, terminalIds } from './rig.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('TerminalPoller over a serial line', () => {
  it('reads the log and takes realtime punches through an injected client (mock serial binding, device 3)', async () => {
    const sim = new TerminalSimulator({ baseDate: FIXED_BASE, utcOffsetMinutes: 480, records: 1500 });
    const binding = createSimulatorSerialBinding(sim, { deviceId: 3 });
    const path = `/dev/ttyPOLLER-${Math.random().toString(36).slice(2, 8)}`;
    binding.createPort(path, {});
    const dir = tempDir('poller-serial-');
    const outbox = new Outbox({ path: dir.file('o.sqlite'), logger: silent });
    const url = `zk+serial://${path}?deviceId=3&baud=115200`;
    const poller = new TerminalPoller({
      name: 'gate-rs485',
      url,
      utcOffsetMinutes: 480,
      outbox,
      logger: silent,
      createClient: (u) => createZkClient(u, { timeoutMs: 2000, serialBinding: binding as unknown as SerialBinding }),
    });
    cleanups.push(() => sim.close(), () => dir.cleanup(), () => outbox.close(), () => poller.stop());

    poller.start();
    await expect.poll(() => poller.status().watermark, { timeout: 15_000 }).toBe(1500);
    expect(poller.status()).toMatchObject({ endpoint: url, deviceSerial: sim.serialNumber, online: true });
    const record = sim.punch({ userId: '1009' })!;
    await expect.poll(() => outbox.pending(0, 5000).find((p) => p.id === idOf(sim, record))?.source, { timeout: 10_000 }).toBe('realtime');
    expect(ids(outbox.pending(0, 5000))).toEqual(terminalIds(sim));
  });
});
