import { describe, expect, it } from 'vitest';
import { clientOptions } from '../../../agent/publisher/connection.js';

describe('clientOptions', () => {
  const will = { topic: 'rollcall/v1/s/g/status', payload: '{"state":"offline"}' };

  it('asks for a persistent MQTT 3.1.1 session with a retained Will and no reconnect timer of its own', () => {
    const o = clientOptions({ url: 'mqtt://127.0.0.1:1883' }, 'rollcall-agent-s-g', will);
    expect(o).toMatchObject({ protocolVersion: 4, clientId: 'rollcall-agent-s-g', clean: false, reconnectPeriod: 0, keepalive: 30, connectTimeout: 10_000 });
    expect(o.will).toMatchObject({ topic: will.topic, qos: 1, retain: true });
    expect(String(o.will?.payload)).toBe(will.payload);
  });

  it('does not have mqtt-packet pre-build a buffer for every packet id (6 MB of heap on a gateway)', () => {
    expect(clientOptions({ url: 'mqtt://127.0.0.1:1883' }, 'c', will).writeCache).toBe(false);
  });

  it('passes credentials and TLS settings through, verifying certificates unless told not to', () => {
    const o = clientOptions({ url: 'mqtts://hub:8883', username: 'gw1', password: 'pw', tls: { ca: 'CA', servername: 'hub.example' } }, 'c', will);
    expect(o).toMatchObject({ username: 'gw1', password: 'pw', ca: 'CA', servername: 'hub.example', rejectUnauthorized: true });
    expect(clientOptions({ url: 'mqtts://hub:8883', tls: { rejectUnauthorized: false } }, 'c', will).rejectUnauthorized).toBe(false);
  });
});
