import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedBatch } from '../../helpers/hub-receiver.js';
import { brokers } from '../../helpers/broker.js';
import { openRig, type Rig } from './harness.js';

describe.each(brokers())('publisher delivery on $name', (target) => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await openRig(target);
  });
  afterEach(async () => {
    await rig.close();
  });

  it('delivers every punch exactly once in contiguous batches within the window, marking rows delivered on the acks', async () => {
    const hub = await rig.startHub();
    const events: ReceivedBatch[] = [];
    let widestWindow = 0;
    const pub = rig.publisher({ batchSize: 100, maxInflightBatches: 4, ackTimeoutMs: 30_000 });
    hub.on('batch', (e) => {
      events.push(e);
      widestWindow = Math.max(widestWindow, pub.stats().inflightBatches);
    });
    rig.insert(0, 1234);
    await pub.start();
    expect(pub.stats().connected).toBe(true);
    rig.insert(1234, 766);
    pub.kick();

    await expect.poll(() => rig.outbox.backlog(), { timeout: 20_000 }).toBe(0);
    expect(hub.count()).toBe(2000);
    expect(hub.duplicates).toBe(0);
    expect(new Set(hub.received.keys())).toEqual(new Set(rig.allIds()));

    const ranges = events.map((e) => e.batch).sort((a, b) => a.seqFrom - b.seqFrom);
    expect(ranges[0]?.seqFrom).toBe(1);
    expect(ranges.at(-1)?.seqTo).toBe(2000);
    for (let i = 0; i < ranges.length; i++) {
      const b = ranges[i]!;
      expect(b.punches.length).toBe(b.seqTo - b.seqFrom + 1);
      expect(b.punches.length).toBeLessThanOrEqual(100);
      expect(b.gateway).toBe(rig.gateway);
      expect(b.epoch).toBe(rig.outbox.epoch);
      if (i > 0) expect(b.seqFrom).toBe(ranges[i - 1]!.seqTo + 1);
    }
    expect(widestWindow).toBeGreaterThanOrEqual(1);
    expect(widestWindow).toBeLessThanOrEqual(4);

    const first = rig.outbox.pending(0, 1); // nothing pending any more
    expect(first).toEqual([]);
    const sample = [...hub.received.values()].find((p) => p.userId === '1000' && p.at === '2026-11-23T00:00:00+08:00');
    expect(sample).toMatchObject({ deviceSerial: 'SN0001', state: 0, verify: 1, workcode: 0, source: 'poll' });
    expect(sample).not.toHaveProperty('seq');
    await expect.poll(() => pub.stats().inflightBatches).toBe(0);
    expect(pub.stats()).toMatchObject({ connected: true, deliveredPunches: 2000, retransmits: 0, ignoredAcks: 0 });
    expect(pub.stats().lastAckAt).not.toBeNull();
  });

  it('sends an unacknowledged batch again after ackTimeoutMs and keeps its rows undelivered until the ack comes', async () => {
    const hub = await rig.startHub();
    hub.pause();
    const seen: ReceivedBatch[] = [];
    hub.on('batch', (e) => seen.push(e));
    rig.insert(0, 10);
    const pub = rig.publisher({ ackTimeoutMs: 300 });
    await pub.start();

    await expect.poll(() => seen.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    // The broker PUBACKed every one of these; that is not delivery.
    expect(rig.outbox.backlog()).toBe(10);
    expect(pub.stats().deliveredPunches).toBe(0);
    expect(pub.stats().retransmits).toBeGreaterThanOrEqual(2);
    const firstIds = seen[0]!.batch.punches.map((p) => p.id);
    for (const e of seen) {
      expect(e.acked).toBe(false);
      expect([e.batch.seqFrom, e.batch.seqTo]).toEqual([1, 10]);
      expect(e.batch.punches.map((p) => p.id)).toEqual(firstIds);
    }

    hub.resume();
    await expect.poll(() => rig.outbox.backlog(), { timeout: 15_000 }).toBe(0);
    expect([...hub.received.keys()].sort()).toEqual([...firstIds].sort());
    await expect.poll(() => pub.stats().inflightBatches).toBe(0);
    expect(pub.stats().deliveredPunches).toBe(10);
  });

  it('ignores garbage, foreign and mismatched acks on the ack topic and keeps delivering', async () => {
    const hub = await rig.startHub();
    hub.pause();
    rig.insert(0, 10);
    const pub = rig.publisher({ ackTimeoutMs: 500 });
    await pub.start();
    await expect.poll(() => hub.batches, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);

    const epoch = rig.outbox.epoch;
    const good = { v: 1, gateway: rig.gateway, epoch, seqFrom: 1, seqTo: 10, stored: 10, duplicates: 0 };
    const garbage: Array<string | Buffer> = [
      'not json',
      '{',
      '',
      'null',
      '[1,2,3]',
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      JSON.stringify({ hello: 'world' }),
      JSON.stringify({ ...good, seqFrom: 'one' }),
      JSON.stringify({ ...good, stored: -1 }),
      JSON.stringify({ ...good, v: 2 }),
      JSON.stringify({ ...good, epoch: epoch + 1 }), // not this run
      JSON.stringify({ ...good, gateway: 'someone-else' }),
      JSON.stringify({ ...good, seqTo: 9 }), // part of the batch only
      JSON.stringify({ ...good, seqFrom: 2 }),
      JSON.stringify({ ...good, seqFrom: 1000, seqTo: 2000 }), // nothing we sent
    ];
    const intruder = await rig.client();
    for (const g of garbage) await intruder.publishAsync(rig.topics.ack, g, { qos: 1 });

    await expect.poll(() => pub.stats().ignoredAcks, { timeout: 10_000 }).toBe(garbage.length);
    expect(rig.outbox.backlog()).toBe(10);
    expect(pub.stats().deliveredPunches).toBe(0);
    expect(pub.stats().connected).toBe(true);

    hub.resume();
    rig.insert(10, 5);
    pub.kick();
    await expect.poll(() => rig.outbox.backlog(), { timeout: 15_000 }).toBe(0);
    expect(hub.count()).toBe(15);
    expect(hub.rejected).toBe(0);
    expect(pub.stats().connects).toBe(1);
  });

  it('picks up rows inserted while running when kicked, in small batches at low load', async () => {
    const hub = await rig.startHub();
    const pub = rig.publisher({ ackTimeoutMs: 30_000 });
    await pub.start();
    for (let i = 0; i < 5; i++) {
      rig.insert(i * 3, 3);
      pub.kick();
      await expect.poll(() => rig.outbox.backlog(), { timeout: 10_000 }).toBe(0);
      expect(hub.count()).toBe((i + 1) * 3);
    }
    expect(pub.stats().ackedBatches).toBeGreaterThanOrEqual(5);
  });
});
