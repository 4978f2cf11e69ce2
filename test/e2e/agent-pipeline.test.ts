import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../agent/agent.js';
import { parseConfig } from '../../agent/config/load.js';
import { punchId } from '../../agent/store/punch-id.js';
import { readOutboxStatus } from '../../agent/store/status.js';
import { startHubReceiver, type HubReceiver } from '../helpers/hub-receiver.js';
import { TerminalSimulator, startTcpServer, type SimulatorServer } from '../../fixtures/sim/index.js';
import { TerminalHealth, topicsFor } from '../../protocols/mqtt/contract.js';
import { formatLocal } from '../../protocols/zk/time.js';
import { brokers, clearRetained, connectClient, discardSession, uniqueIds, type BrokerHandle } from '../helpers/broker.js';
import { silent, tempDir } from '../helpers/temp.js';

/**
 * The whole edge on real sockets: two simulated terminals → the agent (config file, outbox file,
 * pollers, publisher) → a real broker → the hub's ingest (stores and acks). Runs on embedded
 * aedes and, when MQTT_URL is set, on that broker (Mosquitto in CI).
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const idsOf = (sim: TerminalSimulator): string[] => sim.state.records.map((r) => punchId(sim.serialNumber, r.userId, formatLocal(r.time), r.state));

describe.each(brokers())('simulators → agent → $name → hub ingest', (target) => {
  it('delivers every stored record and realtime punches, reports health, and empties the backlog', async () => {
    const broker: BrokerHandle = await target.start();
    cleanups.push(() => broker.close());
    const { site, gateway } = uniqueIds('e2e');
    const dir = tempDir('agent-e2e-');
    cleanups.push(() => dir.cleanup());
    const sims: TerminalSimulator[] = [];
    const servers: SimulatorServer[] = [];
    for (const seed of [31, 32]) {
      // The second terminal's clock runs an hour fast: its health must carry a clock alarm.
      const sim = new TerminalSimulator({ seed, users: 80, records: 6000, utcOffsetMinutes: 480, serialNumber: `E2E${seed}${gateway}`, clockOffsetSeconds: seed === 32 ? 3600 : 0 });
      sims.push(sim);
      servers.push(await startTcpServer(sim, { port: 0, host: '127.0.0.1', packetGapMs: 0, chunkGapMs: 0 }));
      cleanups.push(async () => {
        sim.close();
        await servers.at(-1)!.close();
      });
    }
    const hub: HubReceiver = await startHubReceiver({ url: broker.url, gateways: [{ site, gateway }] });
    cleanups.push(() => hub.close());
    const config = parseConfig(
      [
        `site: ${site}`,
        `gateway: ${gateway}`,
        'utcOffset: "+08:00"',
        'outbox: { path: ./outbox.sqlite, minFreeMB: 1 }',
        `broker: { url: "${broker.url}" }`,
        'terminals:',
        ...servers.map((s, i) => `  - { name: door-${i}, url: "zk+tcp://127.0.0.1:${s.port}", pollIntervalSeconds: 30 }`),
      ].join('\n'),
      dir.dir,
    );
    const agent: RunningAgent = await startAgent(config, { logger: silent, healthRefreshMs: 200 });
    cleanups.push(() => agent.stop());
    if (broker.external) {
      const topics = topicsFor(site, gateway);
      cleanups.push(async () => {
        await clearRetained(broker.url, [topics.status, ...sims.map((s) => topics.health(s.serialNumber))]);
        await discardSession(broker.url, `rollcall-agent-${site}-${gateway}`);
      });
    }

    const stored = new Set([...idsOf(sims[0]!), ...idsOf(sims[1]!)]);
    await expect.poll(() => hub.count(), { timeout: 60_000 }).toBe(stored.size);
    expect([...hub.received.keys()].every((id) => stored.has(id))).toBe(true);

    // A realtime punch arrives without waiting for the next poll, marked as realtime.
    const punch = sims[1]!.punch({ userId: sims[1]!.state.users[3]!.userId })!;
    const id = punchId(sims[1]!.serialNumber, punch.userId, formatLocal(punch.time), punch.state);
    await expect.poll(() => hub.received.get(id)?.source, { timeout: 10_000 }).toBe('realtime');
    expect(hub.received.get(id)).toMatchObject({ deviceSerial: sims[1]!.serialNumber, userId: punch.userId, at: `${formatLocal(punch.time)}+08:00` });

    await expect.poll(() => agent.outbox.backlog(), { timeout: 10_000 }).toBe(0);
    const status = readOutboxStatus(config.outbox.path);
    expect(status.backlog).toBe(0);
    // The realtime punch is in the outbox; the terminal's watermark moves at its next full read.
    expect(status.terminals.map((t) => t.recordsRead)).toEqual([6000, 6000]);

    // Retained health per terminal: online, counts, clock drift, firmware, backlog.
    const watcher = await connectClient(broker.url, { clean: true });
    cleanups.push(() => watcher.endAsync());
    const health = new Map<string, TerminalHealth>();
    watcher.on('message', (_topic, payload) => {
      const h = TerminalHealth.parse(JSON.parse(payload.toString()));
      health.set(h.deviceSerial, h);
    });
    await watcher.subscribeAsync(`rollcall/v1/${site}/${gateway}/devices/+/health`, { qos: 1 });
    await expect.poll(() => [...health.values()].filter((h) => h.backlog === 0).length, { timeout: 10_000 }).toBe(2);
    for (const sim of sims) {
      expect(health.get(sim.serialNumber)).toMatchObject({ gateway, online: true, recordCapacity: sim.state.capacities.records, firmware: sim.firmwareVersion, backlog: 0 });
    }
    const [steady, fast] = sims.map((sim) => health.get(sim.serialNumber)!);
    expect(Math.abs(steady!.clockDriftSeconds!)).toBeLessThan(5);
    expect(steady!.alarms).toEqual([]);
    expect(Math.abs(fast!.clockDriftSeconds! - 3600)).toBeLessThan(5);
    expect(fast!.alarms).toEqual([expect.stringMatching(/clock/i)]);
  }, 120_000);
});
