import { TerminalSimulator, startTcpServer, startUdpServer, type SimulatorOptions, type SimulatorServer } from '../../fixtures/sim/index.js';
import { TcpTransport } from '../../protocols/transport/tcp.js';
import { UdpTransport } from '../../protocols/transport/udp.js';
import { ZkClient, type ZkClientOptions } from '../../protocols/zk/client/client.js';

/** A simulator served on an ephemeral loopback port, and clients pointed at it. */
export interface SimHarness {
  sim: TerminalSimulator;
  server: SimulatorServer;
  client(options?: Partial<ZkClientOptions>): ZkClient;
  close(): Promise<void>;
}

export const FIXED_BASE = new Date('2026-11-02T00:00:00Z');

export async function startSim(kind: 'tcp' | 'udp', options: SimulatorOptions = {}, gapMs = 0): Promise<SimHarness> {
  const sim = new TerminalSimulator({ baseDate: FIXED_BASE, utcOffsetMinutes: 480, ...options });
  const server = kind === 'tcp'
    ? await startTcpServer(sim, { port: 0, host: '127.0.0.1', packetGapMs: gapMs })
    : await startUdpServer(sim, { port: 0, host: '127.0.0.1', packetGapMs: gapMs });
  const clients: ZkClient[] = [];
  return {
    sim,
    server,
    client(extra = {}) {
      const transport = kind === 'tcp' ? new TcpTransport({ host: '127.0.0.1', port: server.port }) : new UdpTransport({ host: '127.0.0.1', port: server.port });
      const c = new ZkClient({ transport, timeoutMs: 2000, ...extra });
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
      sim.close();
      await server.close();
    },
  };
}
