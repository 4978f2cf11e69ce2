import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentError } from '../../../agent/errors.js';
import { GatewayStatus, TerminalHealth } from '../../../protocols/mqtt/contract.js';
import { brokers } from '../../helpers/broker.js';
import { health, openRig, type Rig } from './harness.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const dist = (path: string): string => pathToFileURL(`${repo}dist/${path}`).href;

/** An agent in its own process (built by the global setup), so it can be killed without a DISCONNECT. */
const CHILD = `
import { pino } from 'pino';
import { Outbox } from ${JSON.stringify(dist('agent/store/outbox.js'))};
import { Publisher } from ${JSON.stringify(dist('agent/publisher/publisher.js'))};
const cfg = JSON.parse(process.env.ROLLCALL_CHILD);
const logger = pino({ level: 'silent' });
const outbox = new Outbox({ path: cfg.path, logger, synchronous: 'NORMAL' });
const publisher = new Publisher({ outbox, site: cfg.site, gateway: cfg.gateway, broker: { url: cfg.url }, version: 'child', logger });
await publisher.start();
process.stdout.write(JSON.stringify({ epoch: outbox.epoch, connected: publisher.stats().connected }) + '\\n');
setInterval(() => undefined, 60_000);
`;

describe.each(brokers())('publisher status and health on $name', (target) => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await openRig(target);
  });
  afterEach(async () => {
    await rig.close();
  });

  it('publishes a retained online birth with the epoch and backlog, alarms on change, and a retained offline on stop()', async () => {
    rig.insert(0, 5); // no hub: these stay in the backlog
    const pub = rig.publisher();
    await pub.start();
    const live = await rig.watch(rig.topics.status);
    await expect.poll(() => live.last(rig.topics.status), { timeout: 10_000 }).toMatchObject({ state: 'online', gateway: rig.gateway, epoch: rig.outbox.epoch, backlog: 5, version: '0.1.0-test' });
    expect(live.messages[0]?.retain).toBe(true);
    expect(GatewayStatus.safeParse(live.last(rig.topics.status)).success).toBe(true);

    pub.setAlarms(['outbox full: 2000000 undelivered punches']);
    await expect.poll(() => live.last(rig.topics.status), { timeout: 10_000 }).toMatchObject({ state: 'online', alarms: ['outbox full: 2000000 undelivered punches'] });

    await pub.stop();
    await expect.poll(() => live.last(rig.topics.status), { timeout: 10_000 }).toMatchObject({ state: 'offline', epoch: rig.outbox.epoch, backlog: 5 });
    const late = await rig.watch(rig.topics.status);
    await expect.poll(() => late.messages.length, { timeout: 10_000 }).toBe(1);
    expect(late.messages[0]?.retain).toBe(true);
    expect(late.last(rig.topics.status)).toMatchObject({ state: 'offline', epoch: rig.outbox.epoch });
    expect(pub.stats().connected).toBe(false);
  });

  it('has the broker publish the retained offline Will when the agent dies without disconnecting', async () => {
    expect(existsSync(fileURLToPath(dist('agent/publisher/publisher.js'))), 'dist/ is built by the global setup').toBe(true);
    const live = await rig.watch(rig.topics.status);
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: repo,
      env: { ...process.env, ROLLCALL_CHILD: JSON.stringify({ path: rig.file('child.sqlite'), site: rig.site, gateway: rig.gateway, url: rig.url }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const ready = JSON.parse(line) as { epoch: number; connected: boolean };
      expect(ready.connected).toBe(true);
      await expect.poll(() => live.last(rig.topics.status), { timeout: 10_000 }).toMatchObject({ state: 'online', epoch: ready.epoch, version: 'child' });
      child.kill('SIGKILL');
      await exited;
      await expect.poll(() => live.last(rig.topics.status), { timeout: 15_000 }).toMatchObject({ state: 'offline', epoch: ready.epoch, gateway: rig.gateway });
      const will = live.last(rig.topics.status) as Record<string, unknown>;
      expect(GatewayStatus.safeParse(will).success).toBe(true);
      expect(will).not.toHaveProperty('backlog'); // the Will, not a stop()
      const late = await rig.watch(rig.topics.status);
      await expect.poll(() => late.last(rig.topics.status), { timeout: 10_000 }).toMatchObject({ state: 'offline', epoch: ready.epoch });
      expect(late.messages[0]?.retain).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  });

  it('publishes retained health per terminal, keeping the latest of each', async () => {
    const pub = rig.publisher();
    await pub.start();
    const odd = 'SN/B+#'; // topic-unsafe characters are escaped in the topic level
    const topicA = rig.topics.health('SN-A');
    const topicB = rig.topics.health(odd);
    expect(topicB).toBe(`rollcall/v1/${rig.site}/${rig.gateway}/devices/SN%2fB%2b%23/health`);
    rig.retainedTopic(topicA);
    rig.retainedTopic(topicB);

    pub.publishHealth(health(rig.gateway, 'SN-A', { records: 1200 }));
    pub.publishHealth(health(rig.gateway, odd, { online: false, lastError: 'connect ETIMEDOUT 10.0.0.6:4370', clockDriftSeconds: null }));
    pub.publishHealth(health(rig.gateway, 'SN-A', { records: 1300, clockDriftSeconds: -3, backlog: 12 }));

    const live = await rig.watch(`rollcall/v1/${rig.site}/${rig.gateway}/devices/+/health`);
    await expect.poll(() => live.last(topicA), { timeout: 10_000 }).toMatchObject({ deviceSerial: 'SN-A', records: 1300, clockDriftSeconds: -3, backlog: 12 });
    await expect.poll(() => live.last(topicB), { timeout: 10_000 }).toMatchObject({ deviceSerial: odd, online: false, lastError: 'connect ETIMEDOUT 10.0.0.6:4370' });
    expect(TerminalHealth.safeParse(live.last(topicA)).success).toBe(true);

    const late = await rig.watch(`rollcall/v1/${rig.site}/${rig.gateway}/devices/+/health`);
    await expect.poll(() => late.messages.length, { timeout: 10_000 }).toBe(2);
    expect(late.messages.every((m) => m.retain)).toBe(true);
    expect(late.last(topicA)).toMatchObject({ records: 1300 });

    expect(() => pub.publishHealth(health('another-gateway', 'SN-C'))).toThrow(AgentError);
    expect(() => pub.publishHealth(health(rig.gateway, 'SN-C', { records: -1 }))).toThrow(/does not fit the contract/);
  });
});
