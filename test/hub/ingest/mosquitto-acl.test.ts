import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../helpers/broker.js';
import { tempDir } from '../../helpers/temp.js';

const MOSQUITTO = '/usr/sbin/mosquitto';
const available = spawnSync(MOSQUITTO, ['-h']).error === undefined && spawnSync('mosquitto_passwd', ['-h']).error === undefined;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!available)('fixtures/mosquitto/rollcall.acl on a Mosquitto of its own', () => {
  const dir = tempDir('mosquitto-acl-');
  let broker: ChildProcess | undefined;
  afterAll(() => {
    broker?.kill('SIGTERM');
    dir.cleanup();
  });

  it('lets a gateway publish only its own topics and the hub read them through a shared subscription', async () => {
    const port = await freePort();
    for (const [user, pw, create] of [['rollcall-hub', 'hub-pw', true], ['plant/gw1', 'gw-pw', false]] as const) {
      spawnSync('mosquitto_passwd', [...(create ? ['-c'] : []), '-b', dir.file('passwd'), user, pw]);
    }
    writeFileSync(dir.file('rollcall.acl'), readFileSync('fixtures/mosquitto/rollcall.acl'));
    writeFileSync(dir.file('mosquitto.conf'), [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${dir.file('passwd')}`, `acl_file ${dir.file('rollcall.acl')}`, 'persistence false'].join('\n'));
    // Started as root, Mosquitto drops to its own user: let it read the folder.
    chmodSync(dir.dir, 0o755);
    for (const f of ['passwd', 'rollcall.acl', 'mosquitto.conf']) chmodSync(dir.file(f), 0o644);
    broker = spawn(MOSQUITTO, ['-c', dir.file('mosquitto.conf')], { stdio: 'ignore' });
    const url = `mqtt://127.0.0.1:${port}`;
    await expect.poll(() => connectClient(url, { username: 'rollcall-hub', password: 'hub-pw' }).then((c) => c.endAsync().then(() => true), () => false), { timeout: 10_000 }).toBe(true);

    const hub = await connectClient(url, { username: 'rollcall-hub', password: 'hub-pw', clientId: 'rollcall-hub-acl' });
    const seen: string[] = [];
    hub.on('message', (topic) => seen.push(topic));
    await hub.subscribeAsync(['$share/rollcall-hub/rollcall/v1/+/+/punches', 'rollcall/v1/+/+/devices/+/health'], { qos: 1 });
    const gw = await connectClient(url, { username: 'plant/gw1', password: 'gw-pw' });
    const acks: string[] = [];
    gw.on('message', (topic) => acks.push(topic));
    await gw.subscribeAsync(['rollcall/v1/plant/gw1/ack', 'rollcall/v1/other/gw1/ack'], { qos: 1 });
    await gw.publishAsync('rollcall/v1/plant/gw1/punches', 'own', { qos: 1 });
    await gw.publishAsync('rollcall/v1/other/gw1/punches', 'forged', { qos: 1 });
    await gw.publishAsync('rollcall/v1/plant/gw2/punches', 'forged', { qos: 1 });
    await gw.publishAsync('rollcall/v1/plant/gw1/devices/SN1/health', '{}', { qos: 1 });
    await hub.publishAsync('rollcall/v1/plant/gw1/ack', 'ack', { qos: 1 });
    await hub.publishAsync('rollcall/v1/other/gw1/ack', 'ack', { qos: 1 });
    await expect.poll(() => acks, { timeout: 5000 }).toEqual(['rollcall/v1/plant/gw1/ack']);
    expect(seen.sort()).toEqual(['rollcall/v1/plant/gw1/devices/SN1/health', 'rollcall/v1/plant/gw1/punches']);
    await gw.endAsync();
    await hub.endAsync();
  });
});
