import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PunchAck, type Punch, type PunchBatch } from '../../../protocols/mqtt/contract.js';
import { brokers } from '../../helpers/broker.js';
import { openRig, type Rig } from '../../agent/publisher/harness.js';

const punch = (i: number, extra: Partial<Punch> = {}): Punch => ({
  id: `SN1-${String(i).padStart(6, '0')}-20261123080000-0`, deviceSerial: 'SN1', userId: String(i), at: '2026-11-23T08:00:00+08:00', state: 0, verify: 1, workcode: 0, source: 'poll', ...extra,
});

describe.each(brokers())('hub ingest under bad input on $name', (target) => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await openRig(target);
  });
  afterEach(async () => {
    await rig.close();
  });

  const batch = (epoch: number, seqFrom: number, punches: Punch[], seqTo = seqFrom + punches.length - 1): PunchBatch => ({ v: 1, gateway: rig.gateway, epoch, seqFrom, seqTo, punches });
  const acksOf = (messages: Array<{ payload: string }>) => messages.map((m) => PunchAck.parse(JSON.parse(m.payload)));

  it('parks garbage and wrong-schema messages with their reason, acks nothing for them, and keeps taking the stream', async () => {
    const hub = await rig.startHub();
    const acks = await rig.watch(rig.topics.ack);
    const sender = await rig.client();
    const good = batch(3, 10, [punch(1), punch(2), punch(3)]);
    const invalid: Array<[string, string | Buffer]> = [
      [rig.topics.punches, 'not json'],
      [rig.topics.punches, Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
      [rig.topics.punches, JSON.stringify({ ...good, punches: [] })],
      [rig.topics.punches, JSON.stringify({ ...good, seqTo: 10 })], // 3 punches cannot fit in one sequence number
      [rig.topics.punches, JSON.stringify({ ...good, epoch: 'three' })],
      [rig.topics.punches, JSON.stringify({ ...good, gateway: 'not-the-topic-gateway' })],
      [rig.topics.punches, JSON.stringify([good])],
    ];
    for (const [topic, payload] of invalid) await sender.publishAsync(topic, payload, { qos: 1 });
    await sender.publishAsync(rig.topics.punches, JSON.stringify(good), { qos: 1 });

    await expect.poll(() => acks.messages.length, { timeout: 10_000 }).toBe(1);
    expect(acksOf(acks.messages)).toEqual([{ v: 1, gateway: rig.gateway, epoch: 3, seqFrom: 10, seqTo: 12, stored: 3, duplicates: 0 }]);
    const dead = hub.db.prepare('SELECT topic, site, gateway, reason, payload FROM dead_letters ORDER BY id').all() as Array<{ topic: string; site: string; gateway: string; reason: string; payload: Buffer }>;
    expect(dead.map((d) => d.reason)).toEqual([
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/^not a punch batch: punches: /),
      expect.stringMatching(/^not a punch batch: .*seqFrom\.\.seqTo must cover/),
      expect.stringMatching(/^not a punch batch: epoch: /),
      'batch names gateway "not-the-topic-gateway" on gateway ' + `${rig.gateway}'s topic`,
      expect.stringMatching(/^not a punch batch/),
    ]);
    // Nothing is lost: every parked message is kept byte for byte.
    expect(dead.map((d) => Buffer.from(d.payload))).toEqual(invalid.map(([, p]) => Buffer.from(p)));
    expect(dead.every((d) => d.site === rig.site && d.gateway === rig.gateway)).toBe(true);
    expect(hub.count()).toBe(3);
  });

  it('stores the valid punches of a batch, parks the bad ones (impossible times, wrong fields) and acks the batch', async () => {
    const hub = await rig.startHub();
    const acks = await rig.watch(rig.topics.ack);
    const sender = await rig.client();
    const mixed = batch(1, 1, [
      punch(1),
      punch(2, { at: '1999-12-31T23:59:59+08:00' }),
      punch(3, { at: '2126-01-01T08:00:00+08:00' }),
      punch(4, { at: '2026-02-30T08:00:00+08:00' }),
      { ...punch(5), state: -1 },
      punch(6),
    ]);
    await sender.publishAsync(rig.topics.punches, JSON.stringify(mixed), { qos: 1 });
    await expect.poll(() => acks.messages.length, { timeout: 10_000 }).toBe(1);
    expect(acksOf(acks.messages)[0]).toEqual({ v: 1, gateway: rig.gateway, epoch: 1, seqFrom: 1, seqTo: 6, stored: 2, duplicates: 0 });
    expect([...hub.received.keys()].sort()).toEqual([punch(1).id, punch(6).id]);
    const dead = hub.db.prepare('SELECT reason, payload FROM dead_letters ORDER BY id').all() as Array<{ reason: string; payload: Buffer }>;
    expect(dead.map((d) => d.reason)).toEqual([
      expect.stringMatching(/^punch 1: impossible time 1999-12-31T23:59:59\+08:00/),
      expect.stringMatching(/^punch 2: impossible time 2126-01-01/),
      expect.stringMatching(/^punch 3: at: /),
      expect.stringMatching(/^punch 4: state: /),
    ]);
    expect(JSON.parse(dead[0]!.payload.toString())).toEqual({ gateway: rig.gateway, epoch: 1, seqFrom: 1, seqTo: 6, index: 1, punch: punch(2, { at: '1999-12-31T23:59:59+08:00' }) });
  });

  it('is idempotent over duplicates, replays and out-of-order batches: each punch once, every batch acked with its own range', async () => {
    const hub = await rig.startHub();
    const acks = await rig.watch(rig.topics.ack);
    const sender = await rig.client();
    const first = batch(2, 1, [punch(1), punch(2)]);
    const second = batch(2, 3, [punch(3), punch(4)]);
    const third = batch(2, 5, [punch(5), punch(5), punch(6)], 7); // a repeated id inside one batch
    const replayNewEpoch = batch(3, 1, [punch(1), punch(2)]);
    for (const b of [second, first, first, third, replayNewEpoch]) await sender.publishAsync(rig.topics.punches, JSON.stringify(b), { qos: 1 });
    await expect.poll(() => acks.messages.length, { timeout: 10_000 }).toBe(5);
    expect(acksOf(acks.messages).map((a) => [a.epoch, a.seqFrom, a.seqTo, a.stored, a.duplicates])).toEqual([
      [2, 3, 4, 2, 0],
      [2, 1, 2, 2, 0],
      [2, 1, 2, 0, 2],
      [2, 5, 7, 2, 1],
      [3, 1, 2, 0, 2],
    ]);
    expect(hub.count()).toBe(6);
    expect(hub.db.prepare('SELECT epoch, highest_seq, batches, punches FROM gateway_streams').get()).toEqual({ epoch: 3, highest_seq: 7, batches: 5, punches: 6 });
    expect((hub.db.prepare('SELECT count(*) AS n FROM ingest_batches').get() as { n: number }).n).toBe(5);
  });

  it('parks batches from a gateway the hub does not know and never acks them', async () => {
    const hub = await rig.startHub();
    const stranger = `${rig.gateway}-x`;
    const acks = await rig.watch(`rollcall/v1/${rig.site}/+/ack`);
    const sender = await rig.client();
    await sender.publishAsync(`rollcall/v1/${rig.site}/${stranger}/punches`, JSON.stringify({ ...batch(1, 1, [punch(1)]), gateway: stranger }), { qos: 1 });
    await sender.publishAsync(rig.topics.punches, JSON.stringify(batch(1, 1, [punch(2)])), { qos: 1 });
    await expect.poll(() => acks.messages.length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse(acks.messages[0]!.payload)).toMatchObject({ gateway: rig.gateway });
    const dead = hub.db.prepare('SELECT gateway, reason FROM dead_letters').all();
    expect(dead).toEqual([{ gateway: stranger, reason: expect.stringMatching(/is not configured for site/) }]);
    expect([...hub.received.keys()]).toEqual([punch(2).id]);
  });

  it('stores the batches of a burst in one commit, acks each in order, and lets a batch the database refuses hold back only itself', async () => {
    const hub = await rig.startHub();
    const acks = await rig.watch(rig.topics.ack);
    // A real refusal by the database for one sequence range (as a full disk or a broken page would be for everything).
    hub.db.exec(`CREATE TEMP TRIGGER refuse_seq_99 BEFORE INSERT ON ingest_batches WHEN NEW.seq_from = 99 BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const together = [batch(1, 1, [punch(1), punch(2)]), batch(1, 3, [punch(3)]), batch(1, 4, [punch(4), punch(5)])];
    // Taken in one event-loop turn, as a burst from the broker is: none is stored before the turn ends.
    for (const b of together) hub.ingest.handle(rig.topics.punches, Buffer.from(JSON.stringify(b)));
    expect(hub.count()).toBe(0);
    await expect.poll(() => acks.messages.length, { timeout: 10_000 }).toBe(3);
    expect(acksOf(acks.messages).map((a) => [a.seqFrom, a.seqTo, a.stored])).toEqual([[1, 2, 2], [3, 3, 1], [4, 5, 2]]);
    expect(hub.count()).toBe(5);

    const refused = batch(1, 99, [punch(99)]);
    for (const b of [batch(1, 6, [punch(6)]), refused, batch(1, 7, [punch(7)])]) hub.ingest.handle(rig.topics.punches, Buffer.from(JSON.stringify(b)));
    await expect.poll(() => acks.messages.length, { timeout: 10_000 }).toBe(5);
    expect(acksOf(acks.messages).slice(3).map((a) => a.seqFrom)).toEqual([6, 7]);
    expect(hub.received.has(punch(99).id)).toBe(false);
    // Unacked, the agent sends it again; once the database takes it, it is stored and acked.
    hub.db.exec('DROP TRIGGER refuse_seq_99');
    const sender = await rig.client();
    await sender.publishAsync(rig.topics.punches, JSON.stringify(refused), { qos: 1 });
    await expect.poll(() => acks.messages.length, { timeout: 10_000 }).toBe(6);
    expect(acksOf(acks.messages)[5]).toMatchObject({ seqFrom: 99, stored: 1 });
    expect(hub.count()).toBe(8);
  });

  it('stores and acks the batches taken but not yet stored when it closes', async () => {
    const hub = await rig.startHub();
    const acks = await rig.watch(rig.topics.ack);
    hub.ingest.handle(rig.topics.punches, Buffer.from(JSON.stringify(batch(4, 1, [punch(1), punch(2)]))));
    await hub.ingest.close();
    expect(hub.count()).toBe(2);
    await expect.poll(() => acks.messages.length, { timeout: 10_000 }).toBe(1);
    expect(acksOf(acks.messages)[0]).toMatchObject({ epoch: 4, seqFrom: 1, seqTo: 2, stored: 2 });
  });
});
