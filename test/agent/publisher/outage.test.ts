import type { Client } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type BrokerHandle, type EmbeddedBroker } from '../../helpers/broker.js';
import { health, Rig } from './harness.js';

/**
 * Broker outages need a broker the test can stop and start again on the same port: the embedded
 * aedes only (a shared Mosquitto is not ours to restart). A restarted aedes has lost every
 * session, subscription and retained message, which is the harder case for the agent.
 */
class RestartableBroker implements BrokerHandle {
  readonly external = false;
  constructor(public embedded: EmbeddedBroker | undefined, readonly port: number) {}
  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }
  async stop(): Promise<void> {
    await this.embedded?.close();
    this.embedded = undefined;
  }
  async restart(): Promise<void> {
    await this.stop();
    this.embedded = await startEmbeddedBroker({ port: this.port });
  }
  close(): Promise<void> {
    return this.stop();
  }
}

async function restartable(running: boolean): Promise<RestartableBroker> {
  const b = await startEmbeddedBroker();
  const handle = new RestartableBroker(b, b.port);
  if (!running) await handle.stop();
  return handle;
}

describe('publisher through broker outages (embedded aedes)', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('delivers everything, once per id, after the broker was down for a while', async () => {
    const broker = await restartable(true);
    rig = new Rig(broker);
    const hub = await rig.startHub();
    rig.insert(0, 500);
    const pub = rig.publisher({ batchSize: 200, ackTimeoutMs: 2000 });
    await pub.start();
    await expect.poll(() => rig!.outbox.backlog(), { timeout: 15_000 }).toBe(0);

    await broker.stop();
    await expect.poll(() => pub.stats().connected, { timeout: 10_000 }).toBe(false);
    rig.insert(500, 1500);
    pub.kick();
    // Down "for a while": at least one reconnect attempt finds nobody listening.
    await expect.poll(() => pub.stats().lastError, { timeout: 10_000 }).toMatch(/ECONNREFUSED/);
    expect(rig.outbox.backlog()).toBe(1500);

    await broker.restart();
    await expect.poll(() => rig!.outbox.backlog(), { timeout: 30_000 }).toBe(0);
    expect(hub.count()).toBe(2000);
    expect(new Set(hub.received.keys())).toEqual(new Set(rig.allIds()));
    expect(pub.stats().connects).toBeGreaterThanOrEqual(2);
    expect(pub.stats().deliveredPunches).toBe(2000);
  });

  it('sends the batches that were in flight again after the connection drops, without waiting for their ack timeout', async () => {
    const broker = await restartable(true);
    rig = new Rig(broker);
    const connections = new Map<string, Client>();
    broker.embedded!.aedes.on('client', (c) => connections.set(c.id, c));
    const hub = await rig.startHub();
    hub.pause();
    rig.insert(0, 120);
    const pub = rig.publisher({ batchSize: 50, ackTimeoutMs: 600_000 }); // only a resend after reconnect can deliver
    await pub.start();
    await expect.poll(() => hub.batches, { timeout: 10_000 }).toBe(3);
    expect(pub.stats().inflightBatches).toBe(3);
    hub.resume();

    connections.get(`rollcall-agent-${rig.site}-${rig.gateway}`)!.conn.destroy(); // the broker side drops the agent
    await expect.poll(() => rig!.outbox.backlog(), { timeout: 15_000 }).toBe(0);
    expect(pub.stats().connects).toBe(2);
    expect(pub.stats().retransmits).toBe(0);
    expect(hub.count()).toBe(120);
  });

  it('starts while the broker is down, keeps retrying in the background, and delivers once it appears', async () => {
    const broker = await restartable(false);
    rig = new Rig(broker);
    rig.insert(0, 300);
    const pub = rig.publisher();
    await pub.start(); // resolves: unreachable is worth retrying
    expect(pub.stats().connected).toBe(false);
    expect(pub.stats().lastError).toMatch(/ECONNREFUSED/);

    await broker.restart();
    const hub = await rig.startHub();
    await expect.poll(() => rig!.outbox.backlog(), { timeout: 30_000 }).toBe(0);
    expect(hub.count()).toBe(300);
  });

  it('re-publishes its birth and the latest health of each terminal on a broker that lost them', async () => {
    const broker = await restartable(true);
    rig = new Rig(broker);
    const pub = rig.publisher();
    await pub.start();
    pub.publishHealth(health(rig.gateway, 'SN-A', { records: 1 }));
    pub.publishHealth(health(rig.gateway, 'SN-A', { records: 2 }));
    pub.publishHealth(health(rig.gateway, 'SN-B', { online: false }));
    const before = await rig.watch(`rollcall/v1/${rig.site}/#`);
    await expect.poll(() => before.last(rig!.topics.health('SN-A')), { timeout: 10_000 }).toMatchObject({ records: 2 });

    await broker.restart(); // a fresh aedes: no retained messages at all
    await expect.poll(() => pub.stats().connects, { timeout: 15_000 }).toBe(2);
    await expect.poll(() => pub.stats().connected, { timeout: 15_000 }).toBe(true);
    const after = await rig.watch(`rollcall/v1/${rig.site}/#`);
    await expect.poll(() => after.last(rig!.topics.health('SN-A')), { timeout: 10_000 }).toMatchObject({ records: 2 });
    await expect.poll(() => after.last(rig!.topics.health('SN-B')), { timeout: 10_000 }).toMatchObject({ online: false });
    await expect.poll(() => after.last(rig!.topics.status), { timeout: 10_000 }).toMatchObject({ state: 'online', epoch: rig.outbox.epoch });
    expect(after.messages.every((m) => m.retain)).toBe(true);
  });

  it('after an agent restart, sends the undelivered rows again under the new epoch and ignores acks of the old one', async () => {
    const broker = await restartable(true);
    rig = new Rig(broker);
    const hub = await rig.startHub();
    hub.pause();
    rig.insert(0, 50);
    const first = rig.publisher({ ackTimeoutMs: 60_000 });
    await first.start();
    await expect.poll(() => hub.batches, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const oldEpoch = rig.outbox.epoch;
    await first.stop();
    expect(rig.outbox.backlog()).toBe(50);

    const outbox = rig.reopenOutbox();
    expect(outbox.epoch).toBe(oldEpoch + 1);
    const second = rig.publisher({ ackTimeoutMs: 500 }); // its first send meets the paused hub
    await second.start();
    // An ack for the old epoch (e.g. queued in the persistent session) changes nothing.
    const intruder = await rig.client();
    await intruder.publishAsync(rig.topics.ack, JSON.stringify({ v: 1, gateway: rig.gateway, epoch: oldEpoch, seqFrom: 1, seqTo: 50, stored: 50, duplicates: 0 }), { qos: 1 });
    await expect.poll(() => second.stats().ignoredAcks, { timeout: 10_000 }).toBe(1);
    expect(outbox.backlog()).toBe(50);

    const epochs: number[] = [];
    hub.on('batch', (e) => epochs.push(e.batch.epoch));
    hub.resume();
    await expect.poll(() => outbox.backlog(), { timeout: 30_000 }).toBe(0);
    expect(hub.count()).toBe(50);
    expect(epochs.length).toBeGreaterThan(0);
    expect(new Set(epochs)).toEqual(new Set([oldEpoch + 1]));
  });
});
