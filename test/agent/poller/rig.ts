import { Outbox, type OutboxOptions, type OutboxPunch } from '../../../agent/store/outbox.js';
import { punchId } from '../../../agent/store/punch-id.js';
import { TerminalPoller } from '../../../agent/poller/poller.js';
import type { TerminalPollerOptions } from '../../../agent/poller/options.js';
import type { StoredRecord, SimulatorOptions, TerminalSimulator } from '../../../fixtures/sim/index.js';
import { formatLocal } from '../../../protocols/zk/time.js';
import { startSim, type SimHarness } from '../../helpers/sim-harness.js';
import { silent, tempDir } from '../../helpers/temp.js';

/** A simulator on a loopback port, a real SQLite outbox in a temp folder, and a poller between them. */
export interface Rig {
  harness: SimHarness;
  sim: TerminalSimulator;
  outbox: Outbox;
  poller: TerminalPoller;
  url: string;
  /** Every punch in the outbox, in seq order (none are delivered unless a test marks them). */
  stored(): OutboxPunch[];
  close(): Promise<void>;
}

export interface RigOptions {
  kind?: 'tcp' | 'udp';
  sim?: SimulatorOptions;
  outbox?: Partial<Omit<OutboxOptions, 'path' | 'logger'>>;
  poller?: Partial<TerminalPollerOptions>;
  /** Appended to the URL, e.g. `?commkey=1234`. */
  query?: string;
}

const open: Rig[] = [];

export async function rig(options: RigOptions = {}): Promise<Rig> {
  const harness = await startSim(options.kind ?? 'tcp', options.sim ?? {});
  const dir = tempDir('poller-');
  const outbox = new Outbox({ path: dir.file('outbox.sqlite'), logger: silent, ...options.outbox });
  const url = `zk+${options.kind ?? 'tcp'}://127.0.0.1:${harness.server.port}${options.query ?? ''}`;
  const poller = new TerminalPoller({
    name: 'door-1',
    url,
    utcOffsetMinutes: 480,
    outbox,
    timeoutMs: 2000,
    backoff: { initialMs: 20, maxMs: 200 },
    logger: silent,
    ...options.poller,
  });
  const r: Rig = {
    harness,
    sim: harness.sim,
    outbox,
    poller,
    url,
    stored: () => outbox.pending(0, 10_000_000),
    async close() {
      await poller.stop();
      await harness.close();
      outbox.close();
      dir.cleanup();
    },
  };
  open.push(r);
  return r;
}

/** Closes every rig opened since the last call (afterEach). */
export async function closeRigs(): Promise<void> {
  await Promise.all(open.splice(0).map((r) => r.close()));
}

/** The id the agent must give a terminal record. */
export function idOf(sim: TerminalSimulator, record: StoredRecord): string {
  return punchId(sim.serialNumber, record.userId, formatLocal(record.time), record.state);
}

/** The ids of everything the terminal holds, sorted. */
export function terminalIds(sim: TerminalSimulator): string[] {
  return sim.state.records.map((r) => idOf(sim, r)).sort();
}

export function ids(punches: readonly OutboxPunch[]): string[] {
  return punches.map((p) => p.id).sort();
}

export function maxSeq(punches: readonly OutboxPunch[]): number {
  return punches.at(-1)?.seq ?? 0;
}
