import { appendTo } from '../collections.js';
import type { CaseEngine } from '../cases/engine.js';
import type { CaseState, NoticeState } from '../cases/types.js';
import type { HubSite } from '../config/load.js';
import type { EvidenceLog } from '../evidence/log.js';
import { storageFill } from '../ingest/health-store.js';
import type { IngestStats } from '../ingest/ingest.js';
import type { HubModules } from '../wiring/modules.js';
import { writeExposition, type Labels, type MetricFamily, type MetricType, type Sample } from './exposition.js';
import { processFamilies } from './process-metrics.js';
import { metricsQueries, type MetricsQueries, type StreamRow } from './queries.js';

export interface MetricsSources {
  modules: HubModules;
  /** The configured sites: only these, and their configured gateways, are reported. */
  sites: readonly HubSite[];
  /** The case engine, when the hub runs one: its cases, queued messages, notices and the feed it reads. */
  cases?: CaseEngine;
  evidence?: EvidenceLog;
  /** The running ingest: its counters since this process started. */
  ingest?: { readonly stats: Readonly<IngestStats> };
  nowMs: () => number;
}

/** Every state each table's CHECK allows, listed here so a state with no rows reads 0 rather than going missing. */
const CASE_STATES = Object.keys({ open: 0, acknowledged: 0, resolved: 0 } satisfies Record<CaseState, 0>);
const NOTICE_STATES = Object.keys({ draft: 0, approved: 0, rejected: 0, sent: 0, delivered: 0, refused: 0, returned: 0 } satisfies Record<NoticeState, 0>);

/**
 * The hub's metrics in the Prometheus text format (serve with EXPOSITION_CONTENT_TYPE). Read in
 * one read transaction, so the figures agree with each other, with a few small queries
 * (queries.ts); terminals are labelled by site and serial number only, never by anything that
 * names a person. Ages are `nowMs` minus a moment mostly stamped at the edge (a punch, a status,
 * a health report), so one goes negative when a terminal's or gateway's clock runs ahead of the
 * hub's.
 */
export function hubMetrics(sources: MetricsSources): string {
  const db = sources.modules.db;
  const families = db.transaction(() => collect(sources, metricsQueries(db))).deferred();
  return writeExposition([...families, ...processFamilies()]);
}

function collect(sources: MetricsSources, q: MetricsQueries): MetricFamily[] {
  const { modules: m, sites } = sources;
  const nowMs = sources.nowMs();
  const age = (atMs: number): number => (nowMs - atMs) / 1000;
  const f = new Families();

  // Ingest: what is stored (all hub processes sharing the database) and what this process took.
  const streams = new Map<string, StreamRow[]>();
  for (const s of q.streams()) appendTo(streams, s.site, s);
  for (const site of sites) {
    // Configured gateways first, 0 until their first batch; then any whose batches predate a configuration change.
    const stored = new Map(site.gateways.map((g) => [g.id, 0]));
    for (const s of streams.get(site.id) ?? []) stored.set(s.gateway, s.punches);
    for (const [gateway, n] of stored) f.add('rollcall_punches_stored_total', 'counter', 'Punches new to the hub stored from the gateway (duplicates excluded), by every hub process sharing the database.', n, { site: site.id, gateway });
    const last = q.lastPunchMs(site.id);
    if (last !== null) f.add('rollcall_last_punch_age_seconds', 'gauge', "Seconds since the site's latest stored punch (its terminal's time).", age(last), { site: site.id });
  }
  if (sources.ingest !== undefined) {
    const stats = sources.ingest.stats;
    f.add('rollcall_ingest_batches_total', 'counter', 'Punch batches this hub process stored and acknowledged since it started.', stats.batches);
    f.add('rollcall_punches_ingested_total', 'counter', 'Punches new to the hub this hub process stored since it started.', stats.stored);
    f.add('rollcall_punch_duplicates_total', 'counter', 'Punches this hub process received again (replays, retransmissions) since it started.', stats.duplicates);
    f.add('rollcall_ingest_dead_letters_total', 'counter', 'Messages and punches this hub process parked in dead letters since it started.', stats.deadLetters);
  }
  f.add('rollcall_dead_letters_waiting', 'gauge', 'Messages and punches parked in dead letters and not replayed.', m.punches.deadLettersWaiting());

  // Gateways: the configured ones, whether or not they have reported.
  const status = new Map(m.health.gateways().map((g) => [`${g.site}\t${g.gateway}`, g]));
  const terminals = m.health.terminals().filter((t) => t.retiredMs === null);
  for (const site of sites) {
    for (const g of site.gateways) {
      const labels = { site: site.id, gateway: g.id };
      const s = status.get(`${site.id}\t${g.id}`);
      f.add('rollcall_gateway_online', 'gauge', 'Whether the gateway last said it is online (1) or offline or never reported (0).', s?.state === 'online' ? 1 : 0, labels);
      if (s?.backlog != null) {
        f.add('rollcall_gateway_backlog_punches', 'gauge', "Punches stored at the gateway and not acknowledged, as of its last status (sent at connect and when its alarms change; the terminals' backlog is fresher).", s.backlog, labels);
      }
      if (s !== undefined) f.add('rollcall_gateway_alarms', 'gauge', 'Alarms in the gateway\'s last status.', s.alarms.length, labels);
      const heard = [s?.atMs, streams.get(site.id)?.find((r) => r.gateway === g.id)?.lastBatchMs, ...terminals.filter((t) => t.site === site.id && t.gateway === g.id).map((t) => t.atMs)];
      const lastSeen = Math.max(...heard.filter((ms): ms is number => ms !== undefined));
      if (Number.isFinite(lastSeen)) f.add('rollcall_gateway_last_seen_age_seconds', 'gauge', 'Seconds since the gateway was last heard from: its status, a punch batch or a terminal health report.', age(lastSeen), labels);
    }
  }

  // Terminals not retired, by site, then each by its serial number.
  for (const site of sites) {
    const own = terminals.filter((t) => t.site === site.id);
    f.add('rollcall_terminals_known', 'gauge', 'Terminals that report health for the site, retired ones excluded.', own.length, { site: site.id });
    f.add('rollcall_terminals_online', 'gauge', 'Terminals of the site their gateway last reached, retired ones excluded.', own.filter((t) => t.online).length, { site: site.id });
    const watermark = m.health.watermark(site.id, site.gateways.map((g) => g.id));
    if (watermark !== null) f.add('rollcall_sync_watermark_lag_seconds', 'gauge', "Seconds since the site's sync watermark: every punch before it is known to be here, and detection judges up to it.", age(watermark), { site: site.id });
    for (const t of own) {
      const labels = { site: site.id, terminal: t.deviceSerial };
      const h = t.health;
      f.add('rollcall_terminal_online', 'gauge', 'Whether the terminal\'s gateway reached it in its last health report (1) or not (0).', t.online ? 1 : 0, labels);
      f.add('rollcall_terminal_backlog_punches', 'gauge', "The terminal's punches stored at its gateway and not acknowledged.", h.backlog, labels);
      f.add('rollcall_terminal_alarms', 'gauge', "Alarms in the terminal's last health report.", h.alarms.length, labels);
      if (h.clockDriftSeconds !== null) f.add('rollcall_terminal_clock_drift_seconds', 'gauge', "The terminal's clock minus its gateway's, in seconds.", h.clockDriftSeconds, labels);
      const fill = storageFill(h);
      if (fill !== null) f.add('rollcall_terminal_storage_fill_ratio', 'gauge', "The terminal's attendance records over its record capacity.", fill, labels);
      if (h.lastSeen !== null) f.add('rollcall_terminal_last_seen_age_seconds', 'gauge', 'Seconds since the terminal\'s gateway last reached it.', age(Date.parse(h.lastSeen)), labels);
    }
  }

  if (sources.cases !== undefined) {
    const cases = q.casesByState();
    for (const state of CASE_STATES) f.add('rollcall_cases', 'gauge', 'Absence cases by state.', cases.get(state) ?? 0, { state });
    f.add('rollcall_case_messages_queued', 'gauge', 'Case messages (one per recipient and channel) waiting to be sent or sent again.', q.messagesQueued());
    const notices = q.noticesByState();
    for (const state of NOTICE_STATES) f.add('rollcall_case_notices', 'gauge', 'Legal notices of cases by state.', notices.get(state) ?? 0, { state });
    f.add('rollcall_case_feed_pending', 'gauge', "Detection's changes the case engine has not taken yet.", q.feedPending());
  }

  if (sources.evidence !== undefined) {
    const size = sources.evidence.size();
    f.add('rollcall_evidence_entries', 'gauge', 'Entries in the evidence log.', size);
    f.add('rollcall_evidence_unsigned_entries', 'gauge', "Evidence log entries after its latest signed checkpoint.", size - q.signedSize());
  }
  return f.families();
}

/** Families in the order first added, each with its samples in the order added. */
class Families {
  private readonly byName = new Map<string, { name: string; type: MetricType; help: string; samples: Sample[] }>();

  add(name: string, type: MetricType, help: string, value: number, labels?: Labels): void {
    let family = this.byName.get(name);
    if (family === undefined) {
      family = { name, type, help, samples: [] };
      this.byName.set(name, family);
    }
    family.samples.push(labels === undefined ? { value } : { labels, value });
  }

  families(): MetricFamily[] {
    return [...this.byName.values()];
  }
}
