import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { closeRigs, rig } from './rig.js';

afterEach(closeRigs);

const SCRIPT = fileURLToPath(new URL('./scripts/stop-exits.mjs', import.meta.url));

describe('TerminalPoller.stop', () => {
  it('leaves no timer or socket behind: a process that stopped its poller exits by itself, even mid-backoff', async () => {
    const child = spawn(process.execPath, [SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(killer);
    expect({ code, signal, err }).toEqual({ code: 0, signal: null, err: '' });
    expect(out).toBe('polled\nbacking off\nstopped stopped\n');
  });

  it('stops mid-read: the read is cut short, what arrived is kept, nothing runs afterwards', async () => {
    const r = await rig({ sim: { records: 40_000 }, poller: { batchSize: 1000 } });
    let stopping: Promise<void> | undefined;
    r.poller.on('progress', (p) => {
      if (stopping === undefined && p.records > 5000) stopping = r.poller.stop();
    });
    r.poller.start();
    await expect.poll(() => stopping !== undefined, { timeout: 10_000 }).toBe(true);
    await stopping;
    const kept = r.stored().length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(40_000);
    expect(r.poller.status()).toMatchObject({ state: 'stopped', online: false, watermark: kept });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.stored()).toHaveLength(kept);
  });
});
