import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../../hub/broker/embedded-broker.js';
import { connectClient } from '../../helpers/broker.js';

const BROKER = fileURLToPath(new URL('../../../dist/hub/broker/embedded-broker.js', import.meta.url));

describe('embedded broker', () => {
  it('carries QoS1 messages and retained ones between real clients', async () => {
    const broker = await startEmbeddedBroker();
    try {
      const publisher = await connectClient(broker.url);
      await publisher.publishAsync('rollcall/v1/s/g/status', 'online', { qos: 1, retain: true });
      const subscriber = await connectClient(broker.url);
      const got = new Promise<[string, Buffer]>((resolve) => subscriber.once('message', (t, p) => resolve([t, p])));
      await subscriber.subscribeAsync('rollcall/v1/+/+/status', { qos: 1 });
      const [topic, payload] = await got;
      expect([topic, payload.toString()]).toEqual(['rollcall/v1/s/g/status', 'online']);
      await Promise.all([publisher.endAsync(), subscriber.endAsync()]);
    } finally {
      await broker.close();
    }
  });

  it('refuses a taken port with EADDRINUSE, and leaves nothing running that keeps the process alive', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      await expect(startEmbeddedBroker({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // In a process of its own: after the failed start it must exit without being told to.
      const script = `import(${JSON.stringify(BROKER)}).then((m) => m.startEmbeddedBroker({ port: ${port} })).catch((e) => console.log(e.code));`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      clearTimeout(timer);
      expect({ code, signal, out: out.trim() }).toEqual({ code: 0, signal: null, out: 'EADDRINUSE' });
    } finally {
      holder.close();
    }
  });
});
