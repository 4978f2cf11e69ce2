/**
 * `npm run bench`: runs every benchmark, writes JSON to bench/results/ and prints a table.
 * Usage: node dist/bench/run.js [zk-download] [--records N] [--rounds N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { benchZkDownload, type ClientSummary } from './zk-download/bench.js';

const { values } = parseArgs({
  allowPositionals: true,
  options: {
    records: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
  },
});

const resultsDir = new URL('../../bench/results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });

function machine(): Record<string, unknown> {
  return { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemGB: Math.round(os.totalmem() / 2 ** 30), date: new Date().toISOString() };
}

function table(rows: ClientSummary[]): string {
  const lines = ['| client | records | median ms | records/s | peak RSS MB |', '|---|---:|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.client} | ${r.records} | ${r.medianMs} | ${r.recordsPerSecond.toLocaleString('en-US')} | ${r.peakRssMB} |`);
  return lines.join('\n');
}

async function zkDownload(): Promise<void> {
  const records = Number(values.records);
  const rounds = Number(values.rounds);
  const scenarios = [
    { name: 'paced', gapMs: 2, clients: ['rollcall-stream', 'rollcall-array', 'node-zklib', 'zkteco-js'] as const },
    { name: 'unpaced', gapMs: 0, clients: ['rollcall-stream', 'rollcall-array'] as const },
  ];
  const report: Record<string, unknown> = { benchmark: 'zk-download', records, rounds, machine: machine(), scenarios: {} };
  for (const s of scenarios) {
    const rows = await benchZkDownload({ records, rounds, gapMs: s.gapMs, clients: [...s.clients] });
    const ours = rows.find((r) => r.client === 'rollcall-stream')!;
    const peers = rows.filter((r) => r.client === 'node-zklib' || r.client === 'zkteco-js');
    const fasterPeer = peers.sort((a, b) => b.recordsPerSecond - a.recordsPerSecond)[0];
    const ratio = fasterPeer === undefined ? undefined : Math.round((ours.recordsPerSecond / fasterPeer.recordsPerSecond) * 100) / 100;
    (report.scenarios as Record<string, unknown>)[s.name] = { simulatorPacketGapMs: s.gapMs, clients: rows, ratioToFasterPeer: ratio, fasterPeer: fasterPeer?.client };
    process.stdout.write(`\nzk-download, ${s.name} simulator (packet gap ${s.gapMs} ms), ${records} records, median of ${rounds}\n${table(rows)}\n`);
    if (ratio !== undefined) process.stdout.write(`rollcall-stream / ${fasterPeer!.client}: ${ratio}x\n`);
  }
  writeFileSync(new URL('zk-download.json', resultsDir), `${JSON.stringify(report, null, 2)}\n`);
}

await zkDownload();
