import { describe, expect, it } from 'vitest';
import { createTransport, parseTerminalUrl } from '../../../protocols/transport/url.js';

describe('parseTerminalUrl', () => {
  it('reads TCP and UDP addresses with defaults and parameters', () => {
    expect(parseTerminalUrl('zk+tcp://10.0.0.5:4371?commkey=123&timeout=9000')).toMatchObject({
      kind: 'tcp', host: '10.0.0.5', port: 4371, commKey: 123, timeoutMs: 9000, display: 'zk+tcp://10.0.0.5:4371?commkey=***&timeout=9000',
    });
    expect(parseTerminalUrl('zk+udp://clock-3.site.local')).toMatchObject({ kind: 'udp', host: 'clock-3.site.local', port: 4370, commKey: undefined });
    expect(parseTerminalUrl('zk+tcp://[::1]:4370')).toMatchObject({ host: '::1' });
  });

  it('reads serial paths with baud and device id', () => {
    expect(parseTerminalUrl('zk+serial:///dev/ttyUSB0?baud=115200&deviceId=3')).toMatchObject({
      kind: 'serial', path: '/dev/ttyUSB0', baudRate: 115200, deviceId: 3, host: undefined,
    });
    expect(parseTerminalUrl('zk+serial:///COM3').path).toBe('COM3');
    expect(parseTerminalUrl('zk+serial:///dev/ttyS1')).toMatchObject({ path: '/dev/ttyS1', baudRate: undefined, deviceId: undefined });
  });

  it.each([
    ['10.0.0.5:4370', /not a URL/],
    ['http://10.0.0.5', /unknown scheme "http:"/],
    ['zk+tcp://10.0.0.5?commkey=abc', /commkey=abc .* integer/],
    ['zk+tcp://10.0.0.5?commkey=4294967296', /commkey/],
    ['zk+tcp://10.0.0.5?color=red', /unknown parameter "color"/],
    ['zk+tcp://10.0.0.5?baud=9600', /apply to zk\+serial: only/],
    ['zk+serial:///dev/ttyUSB0?deviceId=0', /deviceid=0 .* 1\.\.254/],
    ['zk+serial://', /names no serial device/],
  ])('refuses %s with a clear message', (url, message) => {
    expect(() => parseTerminalUrl(url)).toThrow(message);
    try {
      parseTerminalUrl(url);
    } catch (err) {
      expect(err).toMatchObject({ name: 'ProtocolError', code: 'INVALID_URL' });
    }
  });

  it('creates the matching transport', () => {
    expect(createTransport(parseTerminalUrl('zk+tcp://127.0.0.1:1')).describe).toBe('tcp://127.0.0.1:1');
    expect(createTransport(parseTerminalUrl('zk+udp://127.0.0.1:2')).kind).toBe('udp');
    expect(createTransport(parseTerminalUrl('zk+serial:///dev/ttyS0?deviceId=4')).describe).toBe('serial:///dev/ttyS0?deviceId=4');
  });
});
