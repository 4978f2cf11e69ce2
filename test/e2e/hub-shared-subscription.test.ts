import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Publisher } from '../../agent/publisher/publisher.js';
import { Outbox } from '../../agent/store/outbox.js';
import { openHubDatabase } from '../../hub/db/database.js';
import { topicsFor } from '../../protocols/mqtt/contract.js';
import { connectClient, discardSession, uniqueIds } from '../helpers/broker.js';
import { makePunches } from '../agent/publisher/harness.js';
import { silent, tempDir } from '../helpers/temp.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const external = process.env.MQTT_URL;

describe.skipIf(external === undefined || external === '')(`two hub processes sharing one stream through $share on ${external}`, () => {
  const dir = tempDir('hub-share-');
  const children: ChildProcess[] = [];
  const { site, gateway } = uniqueIds('share');
  const group = `rollcall-test-${gateway}`;
  const clientIds = ['A', 'B'].map((n) => `rollcall-hub-${n}-${gateway}`);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const id of [...clientIds, `rollcall-agent-${site}-${gateway}`]) await discardSession(external!, id).catch(() => undefined);
    dir.cleanup();
  });

  it('ingests every punch once with no loss, both processes taking part, replays included', async () => {
    writeFileSync(dir.file('gw.txt'), 'unused-on-this-broker\n');
    writeFileSync(
      dir.file('hub.yaml'),
      [
        'database: { path: ./hub.sqlite, synchronous: NORMAL }',
        `broker: { external: { url: "${external}", shareGroup: ${group} } }`,
        'sites:',
        `  - { id: ${site}, timeZone: Asia/Shanghai, gateways: [{ id: ${gateway}, passwordFile: ./gw.txt }] }`,
        'logLevel: info',
      ].join('\n'),
    );
    const logs = clientIds.map(() => ({ text: '' }));
    clientIds.forEach((id, i) => {
      const child = spawn(process.execPath, [CLI, 'hub', '--config', dir.file('hub.yaml'), '--client-id', id], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (c: Buffer) => (logs[i]!.text += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (logs[i]!.text += c.toString()));
      children.push(child);
    });
    for (const log of logs) await expect.poll(() => log.text, { timeout: 20_000 }).toMatch(/"msg":"subscribed"/);

    const outbox = new Outbox({ path: dir.file('outbox.sqlite'), logger: silent, synchronous: 'NORMAL', freeBytes: () => 2 ** 40 });
    const total = 20_000;
    for (let i = 0; i < total; i += 5000) outbox.insert(makePunches(i, 5000));
    const publisher = new Publisher({ outbox, site, gateway, broker: { url: external! }, batchSize: 250, maxInflightBatches: 8, ackTimeoutMs: 5000, logger: silent });
    await publisher.start();
    await expect.poll(() => outbox.backlog(), { timeout: 60_000 }).toBe(0);
    await publisher.stop();

    // Replays: the same punches again in batches of a new epoch, as after an agent restart with lost acks.
    const replay = await connectClient(external!);
    const db = openHubDatabase({ path: dir.file('hub.sqlite'), logger: silent });
    const firstHundred = db.prepare('SELECT id, device_serial AS deviceSerial, user_id AS userId, at, state, verify, workcode, source FROM punches ORDER BY id LIMIT 100').all();
    for (let b = 0; b < 10; b++) {
      const punches = firstHundred.slice(b * 10, b * 10 + 10);
      await replay.publishAsync(topicsFor(site, gateway).punches, JSON.stringify({ v: 1, gateway, epoch: 99, seqFrom: 1 + b * 10, seqTo: 10 + b * 10, punches }), { qos: 1 });
    }
    await replay.endAsync();
    await expect.poll(() => (db.prepare('SELECT count(*) AS n FROM ingest_batches WHERE epoch = 99').get() as { n: number }).n, { timeout: 10_000 }).toBe(10);

    const counts = db.prepare('SELECT count(*) AS n, count(DISTINCT id) AS distinctIds FROM punches WHERE site = ?').get(site);
    expect(counts).toEqual({ n: total, distinctIds: total });
    const byHub = db.prepare('SELECT hub, sum(stored) AS stored, sum(duplicates) AS duplicates, count(*) AS batches FROM ingest_batches GROUP BY hub ORDER BY hub').all() as Array<{ hub: string; stored: number; duplicates: number; batches: number }>;
    expect(byHub.map((h) => h.hub)).toEqual([...clientIds].sort());
    expect(byHub.every((h) => h.batches > 0)).toBe(true);
    expect(byHub.reduce((a, h) => a + h.stored, 0)).toBe(total);
    expect(byHub.reduce((a, h) => a + h.duplicates, 0)).toBeGreaterThanOrEqual(100);
    expect((db.prepare('SELECT count(*) AS n FROM dead_letters').get() as { n: number }).n).toBe(0);
    db.close();
    outbox.close();

    for (const c of children) c.kill('SIGTERM');
    const codes = await Promise.all(children.map(async (c) => (c.exitCode ?? ((await once(c, 'exit')) as [number | null])[0])));
    expect(codes).toEqual([0, 0]);
  });
});
