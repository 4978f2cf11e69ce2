import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../stats.js';
import type { ClientName, DownloadResult } from './client-process.js';

export interface DownloadBenchOptions {
  records: number;
  rounds: number;
  /** Simulator pauses between packets and around chunks, ms (the npm clients need them; see fixtures/sim/paced-writer.ts). */
  gapMs: number;
  chunkGapMs: number;
  clients: ClientName[];
}

export interface ClientSummary {
  client: ClientName;
  records: number;
  medianMs: number;
  recordsPerSecond: number;
  peakRssMB: number;
  runs: Array<{ ms: number; peakRssMB: number }>;
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

function startSim(records: number, gapMs: number, chunkGapMs: number): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(here('./sim-process.js'), ['--records', String(records), '--gap', String(gapMs), '--chunk-gap', String(chunkGapMs)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}

function runClient(client: ClientName, port: number, cwd: string, limitMs = 120_000): Promise<DownloadResult> {
  const child = fork(here('./client-process.js'), [client, String(port)], {
    cwd, // the npm clients write *.err.log files into their working directory
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${client} did not finish within ${limitMs / 1000} s`));
    }, limitMs);
    child.once('message', (m) => {
      clearTimeout(timer);
      const msg = m as DownloadResult | { error: string };
      if ('error' in msg) reject(new Error(`${client}: ${msg.error}`));
      else resolve(msg);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${client} exited with ${code}`));
    });
  });
}

/** Downloads `records` attendance records over loopback TCP with each client, `rounds` times each, interleaved. */
export async function benchZkDownload(options: DownloadBenchOptions): Promise<ClientSummary[]> {
  const { child, port } = await startSim(options.records, options.gapMs, options.chunkGapMs);
  const cwd = mkdtempSync(join(tmpdir(), 'rollcall-bench-'));
  const results = new Map<ClientName, DownloadResult[]>();
  try {
    // The simulator encodes its dataset on the first read: do that untimed, so no client pays it.
    await runClient('rollcall-stream', port, cwd);
    for (let round = 0; round < options.rounds; round++) {
      for (const client of options.clients) {
        const r = await runClient(client, port, cwd);
        if (r.records !== options.records) throw new Error(`${client} read ${r.records} records, expected ${options.records}`);
        results.set(client, [...(results.get(client) ?? []), r]);
      }
    }
  } finally {
    child.kill();
    rmSync(cwd, { recursive: true, force: true });
  }
  return options.clients.map((client) => {
    const runs = results.get(client) ?? [];
    const medianMs = median(runs.map((r) => r.ms));
    return {
      client,
      records: options.records,
      medianMs: Math.round(medianMs * 10) / 10,
      recordsPerSecond: Math.round(options.records / (medianMs / 1000)),
      peakRssMB: Math.round(Math.max(...runs.map((r) => r.peakRssMB)) * 10) / 10,
      runs: runs.map((r) => ({ ms: Math.round(r.ms * 10) / 10, peakRssMB: Math.round(r.peakRssMB * 10) / 10 })),
    };
  });
}

/** One download by `client` against a simulator with the given gaps: the result, or why it failed. */
export async function probeZkDownload(client: ClientName, records: number, gapMs: number, chunkGapMs: number, limitMs: number): Promise<DownloadResult | { client: ClientName; error: string }> {
  const { child, port } = await startSim(records, gapMs, chunkGapMs);
  const cwd = mkdtempSync(join(tmpdir(), 'rollcall-bench-'));
  try {
    const r = await runClient(client, port, cwd, limitMs);
    return r.records === records ? r : { client, error: `read ${r.records} of ${records} records` };
  } catch (err) {
    return { client, error: err instanceof Error ? err.message : String(err) };
  } finally {
    child.kill();
    rmSync(cwd, { recursive: true, force: true });
  }
}
