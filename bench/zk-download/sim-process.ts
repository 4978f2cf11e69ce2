/**
 * Benchmark child: serves a simulated terminal over loopback TCP and reports its port to the
 * parent over IPC. Runs in its own process so clients are measured alone.
 */
import { parseArgs } from 'node:util';
import { TerminalSimulator, startTcpServer } from '../../fixtures/sim/index.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    users: { type: 'string', default: '500' },
    gap: { type: 'string', default: '2' },
    'chunk-gap': { type: 'string', default: '10' },
  },
});

const sim = new TerminalSimulator({
  seed: 7,
  users: Number(values.users),
  records: Number(values.records),
  baseDate: new Date('2026-11-01T00:00:00Z'),
  utcOffsetMinutes: 480,
  capacities: { records: Math.max(200_000, Number(values.records)) },
});
const server = await startTcpServer(sim, { port: 0, host: '127.0.0.1', packetGapMs: Number(values.gap), chunkGapMs: Number(values['chunk-gap']) });
process.send?.({ port: server.port });
process.on('disconnect', () => {
  sim.close();
  void server.close().then(() => process.exit(0));
});
