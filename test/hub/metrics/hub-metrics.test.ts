import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { punchId } from '../../../agent/store/punch-id.js';
import type { HubSite } from '../../../hub/config/load.js';
import { Ingest } from '../../../hub/ingest/ingest.js';
import { hubMetrics, type MetricsSources } from '../../../hub/metrics/hub-metrics.js';
import type { TerminalHealth } from '../../../protocols/mqtt/contract.js';
import { silent } from '../../helpers/temp.js';
import { at, EARLY_JUNE_WORKDAYS, JUNE_WORKDAYS, Story, terminalHealth } from '../cases/story-harness.js';

const METRIC = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const HELP_LINE = new RegExp(`^# HELP (${METRIC}) (?:[^\\\\]|\\\\[\\\\n])*$`);
const TYPE_LINE = new RegExp(`^# TYPE (${METRIC}) (counter|gauge)$`);
const SAMPLE_LINE = new RegExp(`^(${METRIC})(?:\\{${LABEL}(?:,${LABEL})*\\})? (?:NaN|[+-]Inf|-?\\d+(?:\\.\\d+)?(?:e[+-]\\d+)?)$`);

/**
 * Checks every line is a HELP, a TYPE or a sample of the text format, each family declared once
 * (HELP, then TYPE, then its samples) and every sample after its family's declaration; returns
 * the sample lines.
 */
function samplesOf(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true);
  const declared = new Set<string>();
  const samples: string[] = [];
  let helped: string | undefined;
  let family: string | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = HELP_LINE.exec(line);
    const type = TYPE_LINE.exec(line);
    const sample = SAMPLE_LINE.exec(line);
    if (help !== null) {
      expect(declared.has(help[1]!), `${help[1]} declared twice`).toBe(false);
      declared.add(help[1]!);
      helped = help[1];
      family = undefined;
    } else if (type !== null) {
      expect(type[1], `TYPE of ${type[1]} right after its HELP`).toBe(helped);
      family = type[1];
      if (type[2] === 'counter') expect(family).toMatch(/_total$/);
    } else if (sample !== null) {
      expect(sample[1], `sample ${line} after its family's TYPE`).toBe(family);
      samples.push(line);
    } else {
      expect.fail(`not an exposition line: ${JSON.stringify(line)}`);
    }
  }
  return samples;
}

/** The value of the one sample whose line starts with `series` (name and labels as written). */
function valueOf(samples: readonly string[], series: string): number {
  const found = samples.filter((s) => s.startsWith(`${series} `));
  expect(found, series).toHaveLength(1);
  return Number(found[0]!.slice(series.length + 1));
}

const health = (serial: string, local: string, fields: Partial<TerminalHealth>): TerminalHealth =>
  terminalHealth(at(local), { deviceSerial: serial, name: 'Side door', endpoint: 'tcp://10.0.0.6:4370', records: null, recordCapacity: null, ...fields });

/**
 * 王小明 (E1) stops coming on Monday 6.15: his case opens at 09:06 and the first reminder is queued
 * at 11:00 (no channels: it stays queued). Beside the story's terminal SN1, SN2 reports from the
 * same gateway (offline since 10:50, drifting, a quarter full), SN3 is retired, and the depot's
 * gateway is configured but has never reported. Metrics are read at 11:05.
 */
describe('hub metrics', () => {
  const story = new Story();
  const sites: HubSite[] = [
    { id: 'plant', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw1', password: 'unused' }] },
    { id: 'depot', timeZone: 'Asia/Shanghai', gateways: [{ id: 'gw9', password: 'unused' }] },
  ];
  let ingest: Ingest;
  let sources: MetricsSources;
  let caseId: number;

  beforeAll(async () => {
    story.attend(EARLY_JUNE_WORKDAYS);
    story.attend(JUNE_WORKDAYS, ['E1']);
    story.at('2026-06-14T23:00');
    story.at('2026-06-15T09:06');
    story.at('2026-06-15T11:00');
    caseId = story.cases.store.cases()[0]!.caseId;

    const h = story.hub.health;
    const now = at('2026-06-15T11:00');
    h.recordHealth('plant', health('SN2', '2026-06-15T10:40', {}), now);
    h.recordHealth('plant', health('SN2', '2026-06-15T11:00', { online: false, lastSeen: new Date(at('2026-06-15T10:50')).toISOString(), clockDriftSeconds: -2.5, records: 25_000, recordCapacity: 100_000, backlog: 3, alarms: ['clock drift'] }), now);
    h.recordHealth('plant', health('SN3', '2026-06-15T08:00', {}), now);
    h.retireTerminal('plant', 'SN3', now);
    h.recordStatus('plant', { v: 1, gateway: 'gw1', epoch: 1, state: 'online', at: new Date(at('2026-06-15T10:30')).toISOString(), backlog: 7, alarms: ['outbox 80% full'] }, now);

    // One batch of two new punches through a running ingest (not connected: acks go nowhere), and one message it cannot read.
    ingest = new Ingest({
      connection: { url: 'mqtt://unused', clientId: 'metrics-test', shareGroup: null },
      gateways: new Map([['plant', new Set(['gw1'])]]),
      punches: story.hub.punches,
      health: h,
      logger: silent,
      now: () => at('2026-06-15T11:02'),
    });
    const punch = (user: string, local: string) => ({ id: punchId('SN2', user, `${local}:00`, 0), deviceSerial: 'SN2', userId: user, at: `${local}:00+08:00`, state: 0, verify: 1, workcode: 0, source: 'realtime' });
    const batch = { v: 1, gateway: 'gw1', epoch: 2, seqFrom: 1, seqTo: 2, punches: [punch('21', '2026-06-15T10:58'), punch('22', '2026-06-15T10:59')] };
    const stored = once(ingest, 'batch');
    ingest.handle('rollcall/v1/plant/gw1/punches', Buffer.from(JSON.stringify(batch)));
    ingest.handle('rollcall/v1/plant/gw1/punches', Buffer.from('not json'));
    await stored;

    sources = { modules: story.hub, sites, cases: story.cases, evidence: story.evidence, ingest, nowMs: () => at('2026-06-15T11:05') };
  });
  afterAll(async () => {
    await ingest.close();
    await story.close();
  });

  it('checks its own checker: it refuses lines and orders the format does not allow', () => {
    expect(samplesOf('# HELP a_total A.\n# TYPE a_total counter\na_total{site="p\\"q"} 1\n')).toEqual(['a_total{site="p\\"q"} 1']);
    for (const bad of [
      'a 1\n',
      '# TYPE a gauge\na 1\n',
      '# HELP a A.\n# TYPE a gauge\nb 1\n',
      '# HELP a A.\n# TYPE a gauge\na{site="x} 1\n',
      '# HELP a A.\n# TYPE a gauge\na 1.\n',
      '# HELP a A.\n# TYPE a counter\na 1\n',
      '# HELP a A.\n# TYPE a gauge\na 1\n# HELP a A.\n# TYPE a gauge\n',
      '# HELP a A.\n# TYPE a gauge\na 1',
    ]) {
      expect(() => samplesOf(bad), bad).toThrow();
    }
  });

  it('reports punches stored per gateway from the streams, matching a count of the table, and the age of each site\'s latest punch', () => {
    const samples = samplesOf(hubMetrics(sources));
    expect(valueOf(samples, 'rollcall_punches_stored_total{site="plant",gateway="gw1"}')).toBe(story.hub.punches.count('plant'));
    expect(story.hub.punches.count('plant')).toBeGreaterThan(50);
    expect(valueOf(samples, 'rollcall_punches_stored_total{site="depot",gateway="gw9"}')).toBe(0);
    // The latest is the ingested one at 10:59.
    expect(samples).toContain('rollcall_last_punch_age_seconds{site="plant"} 360');
    expect(samples.some((s) => s.startsWith('rollcall_last_punch_age_seconds{site="depot"}'))).toBe(false);
  });

  it("reports the running ingest's counters and the dead letters waiting", () => {
    const samples = samplesOf(hubMetrics(sources));
    expect(samples).toEqual(expect.arrayContaining([
      'rollcall_ingest_batches_total 1',
      'rollcall_punches_ingested_total 2',
      'rollcall_punch_duplicates_total 0',
      'rollcall_ingest_dead_letters_total 1',
      'rollcall_dead_letters_waiting 1',
    ]));
  });

  it('reports each configured gateway: online, backlog and alarms of its status, and when it was last heard from', () => {
    const samples = samplesOf(hubMetrics(sources));
    expect(samples).toEqual(expect.arrayContaining([
      'rollcall_gateway_online{site="plant",gateway="gw1"} 1',
      'rollcall_gateway_online{site="depot",gateway="gw9"} 0',
      'rollcall_gateway_backlog_punches{site="plant",gateway="gw1"} 7',
      'rollcall_gateway_alarms{site="plant",gateway="gw1"} 1',
      // The batch ingested at 11:02 is the latest word from gw1 (its status is from 10:30, its terminals' health from 11:00).
      'rollcall_gateway_last_seen_age_seconds{site="plant",gateway="gw1"} 180',
    ]));
    expect(samples.filter((s) => s.includes('gateway="gw9"')).sort()).toEqual([
      'rollcall_gateway_online{site="depot",gateway="gw9"} 0',
      'rollcall_punches_stored_total{site="depot",gateway="gw9"} 0',
    ]);
  });

  it('reports terminals by site and each by serial number, retired ones left out, with the sync watermark', () => {
    const samples = samplesOf(hubMetrics(sources));
    expect(samples).toEqual(expect.arrayContaining([
      'rollcall_terminals_known{site="plant"} 2',
      'rollcall_terminals_online{site="plant"} 1',
      'rollcall_terminals_known{site="depot"} 0',
      'rollcall_terminals_online{site="depot"} 0',
      'rollcall_terminal_online{site="plant",terminal="SN1"} 1',
      'rollcall_terminal_online{site="plant",terminal="SN2"} 0',
      'rollcall_terminal_clock_drift_seconds{site="plant",terminal="SN1"} 0',
      'rollcall_terminal_clock_drift_seconds{site="plant",terminal="SN2"} -2.5',
      'rollcall_terminal_storage_fill_ratio{site="plant",terminal="SN1"} 0',
      'rollcall_terminal_storage_fill_ratio{site="plant",terminal="SN2"} 0.25',
      'rollcall_terminal_backlog_punches{site="plant",terminal="SN2"} 3',
      'rollcall_terminal_alarms{site="plant",terminal="SN2"} 1',
      'rollcall_terminal_last_seen_age_seconds{site="plant",terminal="SN1"} 300',
      'rollcall_terminal_last_seen_age_seconds{site="plant",terminal="SN2"} 900',
      // SN2 delivered everything up to 10:40, then reported a backlog.
      'rollcall_sync_watermark_lag_seconds{site="plant"} 1500',
    ]));
    expect(samples.filter((s) => s.includes('SN3'))).toEqual([]);
    // Terminals are labelled by site and serial only.
    for (const s of samples.filter((line) => line.startsWith('rollcall_terminal_'))) expect(s).toMatch(/^rollcall_terminal_[a-z_]+\{site="plant",terminal="SN[12]"\} \S+$/);
  });

  it('reports cases, queued messages and notices by state, the case feed, and the evidence log before and after a checkpoint', () => {
    const queued = story.cases.store.messages(caseId).filter((m) => m.state === 'queued').length;
    expect(queued).toBeGreaterThan(0);
    const before = samplesOf(hubMetrics(sources));
    expect(before).toEqual(expect.arrayContaining([
      'rollcall_cases{state="open"} 1',
      'rollcall_cases{state="acknowledged"} 0',
      'rollcall_cases{state="resolved"} 0',
      `rollcall_case_messages_queued ${queued}`,
      'rollcall_case_notices{state="draft"} 0',
      'rollcall_case_notices{state="returned"} 0',
      'rollcall_case_feed_pending 0',
    ]));
    expect(before.filter((s) => s.startsWith('rollcall_case_notices{'))).toHaveLength(7);
    const entries = story.evidence.size();
    expect(entries).toBeGreaterThan(0);
    expect(before).toEqual(expect.arrayContaining([`rollcall_evidence_entries ${entries}`, `rollcall_evidence_unsigned_entries ${entries}`]));

    story.evidence.checkpoint();
    story.cases.acknowledge(caseId, { via: 'wecom', text: '明天回来' }, at('2026-06-15T11:03'));
    const after = samplesOf(hubMetrics(sources));
    const added = story.evidence.size() - entries;
    expect(added).toBeGreaterThan(0);
    expect(after).toEqual(expect.arrayContaining([
      'rollcall_cases{state="open"} 0',
      'rollcall_cases{state="acknowledged"} 1',
      `rollcall_evidence_entries ${entries + added}`,
      `rollcall_evidence_unsigned_entries ${added}`,
    ]));
  });

  it('leaves out what it was not given: no ingest counters, cases or evidence', () => {
    const samples = samplesOf(hubMetrics({ modules: story.hub, sites, nowMs: sources.nowMs }));
    expect(samples.filter((s) => /^rollcall_(ingest_|punches_ingested|punch_duplicates|case|evidence_)/.test(s))).toEqual([]);
    expect(samples).toContain('rollcall_terminals_online{site="plant"} 1');
  });

  it('reports the process: memory, start time, CPU, Node.js version, and event loop lag since the previous collection', async () => {
    hubMetrics(sources);
    await sleep(50);
    const samples = samplesOf(hubMetrics(sources));
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(1 << 20);
    expect(valueOf(samples, 'process_start_time_seconds')).toBeCloseTo(performance.timeOrigin / 1000, 2);
    expect(valueOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    const [major, minor, patch] = process.versions.node.split('.');
    expect(samples).toContain(`nodejs_version_info{version="${process.version}",major="${major}",minor="${minor}",patch="${patch}"} 1`);
    for (const name of ['nodejs_eventloop_lag_mean_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_max_seconds']) {
      expect(valueOf(samples, name)).toBeGreaterThanOrEqual(0);
    }
  });
});
