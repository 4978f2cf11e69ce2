// Run by poller-stop.test.ts with the compiled tree (dist/, built by the test global setup).
// Starts a poller against a simulator, lets it poll, takes the terminal away so the poller sits
// in a long backoff wait, then stops everything. It must exit on its own: no process.exit here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';

const dist = new URL('../../../../dist/', import.meta.url);
const { TerminalSimulator, startTcpServer } = await import(new URL('fixtures/sim/index.js', dist).href);
const { Outbox } = await import(new URL('agent/store/outbox.js', dist).href);
const { TerminalPoller } = await import(new URL('agent/poller/index.js', dist).href);

const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'poller-stop-'));
const sim = new TerminalSimulator({ records: 300, utcOffsetMinutes: 480, baseDate: new Date('2026-11-02T00:00:00Z') });
const server = await startTcpServer(sim, { port: 0, host: '127.0.0.1' });
const outbox = new Outbox({ path: join(dir, 'outbox.sqlite'), logger });
const poller = new TerminalPoller({
  name: 'door-1',
  url: `zk+tcp://127.0.0.1:${server.port}?timeout=500`,
  utcOffsetMinutes: 480,
  outbox,
  logger,
  pollIntervalMs: 60_000,
  // A long wait after the first failure: stop() must cancel it, not wait it out.
  backoff: { initialMs: 120_000, maxMs: 120_000 },
  random: () => 0.99,
});
poller.start();
while (poller.status().watermark !== 300) await new Promise((r) => setTimeout(r, 20));
process.stdout.write('polled\n');

sim.close();
await server.close();
while (poller.status().state !== 'backoff') await new Promise((r) => setTimeout(r, 20));
process.stdout.write('backing off\n');

await poller.stop();
process.stdout.write(`stopped ${poller.status().state}\n`);
outbox.close();
rmSync(dir, { recursive: true, force: true });
