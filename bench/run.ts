/**
 * `npm run bench`: runs every benchmark, writes JSON to bench/results/ and prints a table.
 * Usage: node dist/bench/run.js [zk-download] [agent] [hub] [cases] [--records N] [--rounds N]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { benchAgent } from './agent/run-agent.js';
import { benchCases } from './hub/cases.js';
import { benchHub } from './hub/run-hub.js';
import { benchZkDownload, probeZkDownload, type ClientSummary } from './zk-download/bench.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    records: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
  },
});

const resultsDir = new URL('../../bench/results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });

/** CPU time counters of the whole machine (/proc/stat, Linux): all, and stolen by the hypervisor. */
function cpuTicks(): { total: number; steal: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** The machine, and how much of its CPU the hypervisor took since `since` (a busy host slows every number). */
function machine(since: ReturnType<typeof cpuTicks>): Record<string, unknown> {
  const now = cpuTicks();
  const stealPercent = since === undefined || now === undefined || now.total === since.total ? null : Math.round(((now.steal - since.steal) / (now.total - since.total)) * 1000) / 10;
  return { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemGB: Math.round(os.totalmem() / 2 ** 30), cpuStealPercent: stealPercent, date: new Date().toISOString() };
}

function table(rows: ClientSummary[]): string {
  const lines = ['| client | records | median ms | records/s | peak RSS MB |', '|---|---:|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.client} | ${r.records} | ${r.medianMs} | ${r.recordsPerSecond.toLocaleString('en-US')} | ${r.peakRssMB} |`);
  return lines.join('\n');
}

async function zkDownload(): Promise<void> {
  const started = cpuTicks();
  const records = Number(values.records);
  const rounds = Number(values.rounds);
  const scenarios = [
    // The simulator's defaults: paced so clients that read one packet per socket read keep up.
    { name: 'paced', gapMs: 2, chunkGapMs: 10, clients: ['rollcall-stream', 'rollcall-array', 'node-zklib', 'zkteco-js'] as const },
    // Back to back, as a terminal sends: only a client that frames the byte stream can read it.
    { name: 'unpaced', gapMs: 0, chunkGapMs: 0, clients: ['rollcall-stream', 'rollcall-array'] as const },
  ];
  const report: Record<string, unknown> = { benchmark: 'zk-download', records, rounds, scenarios: {} };
  const scenarioRows: Record<string, ClientSummary[]> = {};
  for (const s of scenarios) {
    const rows = await benchZkDownload({ records, rounds, gapMs: s.gapMs, chunkGapMs: s.chunkGapMs, clients: [...s.clients] });
    scenarioRows[s.name] = rows;
    (report.scenarios as Record<string, unknown>)[s.name] = { simulatorPacketGapMs: s.gapMs, simulatorChunkGapMs: s.chunkGapMs, clients: rows };
    process.stdout.write(`\nzk-download, ${s.name} simulator (gaps ${s.gapMs}/${s.chunkGapMs} ms), ${records} records, median of ${rounds}\n${table(rows)}\n`);
  }
  // Why the peers are measured on the paced simulator only: what they do with back-to-back packets.
  const peerFailures = [];
  for (const peer of ['node-zklib', 'zkteco-js'] as const) {
    const r = await probeZkDownload(peer, records, 0, 0, 30_000);
    peerFailures.push('error' in r ? r : { client: peer, ms: Math.round(r.ms), ok: true });
    process.stdout.write(`${peer} on the unpaced simulator: ${'error' in r ? `fails (${r.error})` : `reads it in ${Math.round(r.ms)} ms`}\n`);
  }
  report.peersOnUnpacedSimulator = peerFailures;

  const best = (rows: ClientSummary[] | undefined, name: string): ClientSummary | undefined => rows?.find((r) => r.client === name);
  const fasterPeer = (scenarioRows.paced ?? []).filter((r) => r.client === 'node-zklib' || r.client === 'zkteco-js').sort((a, b) => b.recordsPerSecond - a.recordsPerSecond)[0]!;
  const oursPaced = best(scenarioRows.paced, 'rollcall-stream')!;
  const oursUnpaced = best(scenarioRows.unpaced, 'rollcall-stream')!;
  const ratios = {
    fasterPeer: fasterPeer.client,
    /** Each client against the fastest simulator it reads correctly. */
    eachAtItsBest: Math.round((oursUnpaced.recordsPerSecond / fasterPeer.recordsPerSecond) * 10) / 10,
    /** Everyone on the paced simulator: bounded by the pacing itself. */
    samePacedSimulator: Math.round((oursPaced.recordsPerSecond / fasterPeer.recordsPerSecond) * 100) / 100,
  };
  report.ratios = ratios;
  report.machine = machine(started);
  process.stdout.write(`\nrollcall-stream vs ${fasterPeer.client}: ${ratios.eachAtItsBest}x (each at its best), ${ratios.samePacedSimulator}x (same paced simulator)\n`);
  writeFileSync(new URL('zk-download.json', resultsDir), `${JSON.stringify(report, null, 2)}\n`);
}

const selected = positionals.length === 0 ? ['zk-download', 'agent', 'hub', 'cases'] : positionals;
for (const name of selected) {
  if (name === 'zk-download') await zkDownload();
  else if (name === 'agent') {
    const started = cpuTicks();
    const report = await benchAgent((line) => process.stdout.write(`${line}\n`));
    writeFileSync(new URL('agent.json', resultsDir), `${JSON.stringify({ ...report, machine: machine(started) }, null, 2)}\n`);
  } else if (name === 'hub') {
    const started = cpuTicks();
    const report = await benchHub((line) => process.stdout.write(`${line}\n`), Number(values.rounds));
    writeFileSync(new URL('hub.json', resultsDir), `${JSON.stringify({ ...report, machine: machine(started) }, null, 2)}\n`);
  } else if (name === 'cases') {
    const started = cpuTicks();
    const report = await benchCases(10_000);
    const n = (v: number): string => v.toLocaleString('en-US');
    const line = `| ${n(report.employees)} | ${report.days} | ${n(report.caseRunsMs)} | ${n(report.storageFloor.ms)} | ${n(report.hrActionsMs)} | ${n(report.stepsFired)} | ${n(report.messagesQueued)} | ${n(report.evidenceEntries)} | ${report.caseRunsWrittenMB === null ? 'n/a' : n(report.caseRunsWrittenMB)} | ${report.peakRssMB} |`;
    const floorBy = Object.entries(report.storageFloor.msBy).map(([what, ms]) => `${what} ${n(ms)}`).join(', ');
    process.stdout.write(
      `\ncases: open cases through a simulated month (goal: under 10 s of case runs at 10,000)\n| cases | days | case runs (ms) | storage floor (ms) | HR actions (ms) | steps fired | messages | evidence entries | written by case runs (MB) | peak RSS MB |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n${line}\nstorage floor, ms by write: ${floorBy}\n`,
    );
    writeFileSync(new URL('cases.json', resultsDir), `${JSON.stringify({ benchmark: 'cases', goal: 'case runs < 10,000 ms for 10,000 cases through a month', ...report, machine: machine(started) }, null, 2)}\n`);
  } else throw new Error(`unknown benchmark "${name}" (zk-download, agent, hub, cases)`);
}
