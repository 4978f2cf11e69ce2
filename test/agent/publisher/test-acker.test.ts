import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PunchAck, type PunchBatch } from '../../../protocols/mqtt/contract.js';
import { brokers } from '../../helpers/broker.js';
import { openRig, type Rig } from './harness.js';

describe.each(brokers())('test acker on $name', (target) => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await openRig(target);
  });
  afterEach(async () => {
    await rig.close();
  });

  const punch = (i: number) => ({ id: `20261123080000-punch${String(i).padStart(6, '0')}`, deviceSerial: 'SN1', userId: String(i), at: '2026-11-23T08:00:00+08:00', state: 0, verify: 1, workcode: 0, source: 'poll' as const });

  it('stores each punch once, counts duplicates and rejects invalid batches without crashing', async () => {
    const acker = await rig.startAcker();
    const acks = await rig.watch(rig.topics.ack);
    const sender = await rig.client();
    const batch: PunchBatch = { v: 1, gateway: rig.gateway, epoch: 3, seqFrom: 10, seqTo: 12, punches: [punch(1), punch(2), punch(3)] };

    const invalid: Array<[string, string]> = [
      [rig.topics.punches, 'not json'],
      [rig.topics.punches, JSON.stringify({ ...batch, punches: [] })],
      [rig.topics.punches, JSON.stringify({ ...batch, seqTo: 10 })], // 3 punches cannot fit in 1 seq
      [rig.topics.punches, JSON.stringify({ ...batch, punches: [{ ...punch(1), at: 'yesterday' }] })],
      [rig.topics.punches, JSON.stringify({ ...batch, gateway: 'not-the-topic-gateway' })],
    ];
    for (const [topic, payload] of invalid) await sender.publishAsync(topic, payload, { qos: 1 });
    await sender.publishAsync(rig.topics.punches, JSON.stringify(batch), { qos: 1 });
    await sender.publishAsync(rig.topics.punches, JSON.stringify({ ...batch, seqFrom: 10, seqTo: 13, punches: [punch(3), punch(4)] }), { qos: 1 });

    await expect.poll(() => acks.messages.length, { timeout: 10_000 }).toBe(2);
    expect(acker.rejected).toBe(invalid.length);
    expect(acker.batches).toBe(2);
    expect([...acker.received.keys()].sort()).toEqual([1, 2, 3, 4].map((i) => punch(i).id));
    expect(acker.duplicates).toBe(1);
    const parsed = acks.messages.map((m) => PunchAck.parse(JSON.parse(m.payload)));
    expect(parsed[0]).toEqual({ v: 1, gateway: rig.gateway, epoch: 3, seqFrom: 10, seqTo: 12, stored: 3, duplicates: 0 });
    expect(parsed[1]).toEqual({ v: 1, gateway: rig.gateway, epoch: 3, seqFrom: 10, seqTo: 13, stored: 1, duplicates: 1 });
  });
});

