import { afterEach, describe, expect, it } from 'vitest';
import { BrokerAccess, HUB_USERNAME } from '../../../hub/broker/access.js';
import { hashPassword } from '../../../hub/broker/password-hash.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../hub/broker/embedded-broker.js';
import { connectClient } from '../../helpers/broker.js';
import { startHubReceiver, type HubReceiver } from '../../helpers/hub-receiver.js';

const SITES = [
  { id: 'plant-a', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', passwordHash: hashPassword('a-secret') }, { id: 'gw2', password: 'a2-secret' }] },
  { id: 'plant-b', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'b-secret' }] },
];
const batch = (gateway: string, id: string) =>
  JSON.stringify({ v: 1, gateway, epoch: 1, seqFrom: 1, seqTo: 1, punches: [{ id, deviceSerial: 'SN1', userId: '7', at: '2026-11-23T08:00:00+08:00', state: 0, verify: 1, workcode: 0, source: 'poll' }] });

describe('embedded broker access rules (per-gateway credentials and topic ACLs)', () => {
  let broker: EmbeddedBroker | undefined;
  let hub: HubReceiver | undefined;
  const refusals: string[] = [];
  afterEach(async () => {
    await hub?.close();
    await broker?.close();
    refusals.length = 0;
  });

  async function start(): Promise<{ access: BrokerAccess; url: string }> {
    const access = new BrokerAccess(SITES);
    broker = await startEmbeddedBroker({ access, onRefused: (r) => refusals.push(r.reason) });
    hub = await startHubReceiver({
      url: broker.url, username: HUB_USERNAME, password: access.hubPassword, clientId: 'rollcall-hub-test',
      gateways: [{ site: 'plant-a', gateway: 'gw1' }, { site: 'plant-a', gateway: 'gw2' }, { site: 'plant-b', gateway: 'gw1' }],
    });
    return { access, url: broker.url };
  }

  it('signs gateways in by site/gateway (or a unique bare id) with their own password, hashed or from a file', async () => {
    const { url } = await start();
    for (const [username, password] of [['plant-a/gw1', 'a-secret'], ['gw2', 'a2-secret'], ['plant-b/gw1', 'b-secret']] as const) {
      const c = await connectClient(url, { username, password });
      await c.endAsync();
    }
    // "gw1" exists at both sites: the bare id is ambiguous and refused.
    await expect(connectClient(url, { username: 'gw1', password: 'a-secret' })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connectClient(url, { username: 'plant-a/gw1', password: 'b-secret' })).rejects.toThrow(/Bad username or password/i);
    await expect(connectClient(url, {})).rejects.toThrow(/Bad username or password/i);
    // A gateway may not take the hub's client id (it would disconnect the hub).
    await expect(connectClient(url, { username: 'plant-b/gw1', password: 'b-secret', clientId: 'rollcall-hub-test' })).rejects.toThrow(/Bad username or password/i);
    expect(refusals.some((r) => r.includes('reserved for the hub'))).toBe(true);
  });

  it('refuses a gateway publishing for another site or gateway: nothing of it is stored, its own batches are', async () => {
    const { url } = await start();
    const a = await connectClient(url, { username: 'plant-a/gw1', password: 'a-secret', reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
    a.publish('rollcall/v1/plant-b/gw1/punches', batch('gw1', 'forged-0000001'), { qos: 1 });
    await closed; // aedes drops a client whose publication is not authorized
    expect(refusals).toContain('gateway plant-a/gw1 may publish only under rollcall/v1/plant-a/gw1/');
    const again = await connectClient(url, { username: 'plant-a/gw1', password: 'a-secret' });
    await again.publishAsync('rollcall/v1/plant-a/gw1/punches', batch('gw1', 'genuine-000001'), { qos: 1 });
    await expect.poll(() => hub!.count(), { timeout: 5000 }).toBe(1);
    expect([...hub!.received.keys()]).toEqual(['genuine-000001']);
    expect(hub!.rejected).toBe(0);
    await again.endAsync();
  });

  it('lets a gateway subscribe only to its own acks', async () => {
    const { url } = await start();
    const c = await connectClient(url, { username: 'plant-a/gw2', password: 'a2-secret' });
    const granted = await new Promise<number[]>((resolve) => {
      // Read the broker's SUBACK itself: mqtt.js turns any 0x80 into an error for the whole call.
      c.on('packetreceive', (p) => {
        if (p.cmd === 'suback') resolve(p.granted.map((g) => (typeof g === 'number' ? g : (g as { qos: number }).qos)));
      });
      c.subscribe(['rollcall/v1/plant-a/gw2/ack', 'rollcall/v1/plant-a/gw1/ack', 'rollcall/v1/+/+/punches', '#'], { qos: 1 }, () => undefined);
    });
    expect(granted).toEqual([1, 128, 128, 128]);
    await c.endAsync();
  });

  it('checks publications by topic shape: punches, status and device health only', () => {
    const access = new BrokerAccess(SITES);
    const gw = { role: 'gateway', site: 'plant-a', gateway: 'gw1' } as const;
    expect(access.publishRefusal(gw, 'rollcall/v1/plant-a/gw1/punches')).toBeNull();
    expect(access.publishRefusal(gw, 'rollcall/v1/plant-a/gw1/status')).toBeNull();
    expect(access.publishRefusal(gw, 'rollcall/v1/plant-a/gw1/devices/SN%2f1/health')).toBeNull();
    expect(access.publishRefusal(gw, 'rollcall/v1/plant-a/gw1/ack')).toMatch(/may not publish/);
    expect(access.publishRefusal(gw, 'rollcall/v1/plant-a/gw1/devices//health')).toMatch(/may not publish/);
    expect(access.publishRefusal(gw, 'rollcall/v1/plant-a/gw2/punches')).toMatch(/only under/);
    expect(access.publishRefusal({ role: 'hub' }, 'rollcall/v1/plant-a/gw1/ack')).toBeNull();
  });
});

describe('embedded broker over WebSocket', () => {
  it('takes a gateway\'s batch over ws:// with the same sign-in and ACLs, and serves nothing else on that port', async () => {
    const access = new BrokerAccess(SITES);
    const broker = await startEmbeddedBroker({ access, websocket: { port: 0, path: '/mqtt' } });
    const hub = await startHubReceiver({ url: broker.url, username: HUB_USERNAME, password: access.hubPassword, clientId: 'rollcall-hub-ws', gateways: [{ site: 'plant-b', gateway: 'gw1' }] });
    try {
      expect(broker.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
      const gw = await connectClient(broker.wsUrl!, { username: 'plant-b/gw1', password: 'b-secret' });
      await gw.publishAsync('rollcall/v1/plant-b/gw1/punches', batch('gw1', 'over-websocket-1'), { qos: 1 });
      await expect.poll(() => hub.count(), { timeout: 5000 }).toBe(1);
      await gw.endAsync();
      await expect(connectClient(broker.wsUrl!, { username: 'plant-b/gw1', password: 'wrong' })).rejects.toThrow(/Bad username or password/i);
      const plain = await fetch(broker.wsUrl!.replace('ws://', 'http://'));
      expect(plain.status).toBe(426);
    } finally {
      await hub.close();
      await broker.close();
    }
  });
});
