import type { AgentConfig } from '../agent/config/schema.js';
import { formatUtcOffset } from '../protocols/zk/time.js';
import type { OutboxStatus } from '../agent/store/status.js';
import { formatTable } from './output.js';

/** `rollcall agent status` as text: the outbox's numbers, then one row per terminal. */
export function formatStatus(s: OutboxStatus): string {
  const oldest = s.oldestUndelivered;
  const fields: Array<[string, string]> = [
    ['outbox', s.path],
    ['epoch', String(s.epoch)],
    ['next seq', String(s.nextSeq)],
    ['backlog', `${s.backlog} undelivered`],
    ['oldest undelivered', oldest === null ? '-' : `${oldest.at} (seq ${oldest.seq}, received ${oldest.receivedAt})`],
    ['delivered (kept)', String(s.delivered)],
    ['last delivered', s.lastDeliveredAt ?? '-'],
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  const head = fields.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
  if (s.terminals.length === 0) return `${head}\n\nno terminal has been read yet`;
  const rows = s.terminals.map((t) => [t.serial, t.recordsRead ?? '-', t.undelivered, t.lastUpdate ?? '-']);
  return `${head}\n\n${formatTable(['terminal', 'records read', 'undelivered', 'last update'], rows)}`;
}

/** `rollcall agent check`: what the agent will do with this configuration. */
export function configSummary(file: string, c: AgentConfig): string {
  const o = c.outbox;
  const b = c.broker;
  const auth = b.username === undefined ? 'no login' : `user ${b.username}${b.password === undefined ? '' : ' with password'}`;
  const tls = b.tls === undefined
    ? ''
    : `, TLS${b.tls.caFile === undefined ? '' : ` ca ${b.tls.caFile}`}${b.tls.certFile === undefined ? '' : ` client cert ${b.tls.certFile}`}${b.tls.rejectUnauthorized ? '' : ' (certificate NOT verified)'}`;
  const lines = [
    `${file}: valid`,
    `site ${c.site}, gateway ${c.gateway}, UTC${formatUtcOffset(c.utcOffset)}, log level ${c.logLevel}`,
    `outbox ${o.path} (synchronous ${o.synchronous}; pulling stops at ${o.maxBacklog} undelivered or ${o.minFreeMB} MiB free; keeps ${o.keepDelivered} delivered)`,
    `broker ${maskUrl(b.url)} (${auth}${tls}); batches of ${c.publish.batchSize}, ${c.publish.maxInflightBatches} in flight, ack timeout ${c.publish.ackTimeoutSeconds} s`,
  ];
  if (c.terminals.length > 0) {
    lines.push('', formatTable(
      ['terminal', 'url', 'poll', 'realtime', 'clock', 'clear after ack'],
      c.terminals.map((t) => [
        t.name,
        t.endpoint.display,
        `${t.pollIntervalSeconds} s`,
        t.realtime ? 'yes' : 'no',
        `alarm at ${t.clock.maxDriftSeconds} s${t.clock.correct ? ', corrects' : ''}`,
        t.clearAfterAck.enabled ? `at ${t.clearAfterAck.minFillPercent}% full` : 'never',
      ]),
    ));
  }
  if (c.hidReaders.length > 0) {
    const hex = (n: number | undefined): string => (n === undefined ? '?' : `0x${n.toString(16).padStart(4, '0')}`);
    lines.push('', formatTable(
      ['hid reader', 'device', 'terminal id', 'state', 'cards mapped'],
      c.hidReaders.map((r) => [r.name, r.path ?? `${hex(r.vendorId)}:${hex(r.productId)}`, r.terminal, r.state, r.cards?.size ?? 0]),
    ));
  }
  return lines.join('\n');
}

/** The configuration without secrets, for printing. */
export function redacted(config: AgentConfig): unknown {
  const { password, tls, ...broker } = config.broker;
  return {
    ...config,
    broker: {
      ...broker,
      url: maskUrl(broker.url),
      ...(password === undefined ? {} : { password: '***' }),
      ...(tls === undefined ? {} : { tls: { caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile, rejectUnauthorized: tls.rejectUnauthorized } }),
    },
    terminals: config.terminals.map(({ endpoint, url: _url, ...t }) => ({ ...t, url: endpoint.display })),
    hidReaders: config.hidReaders.map((r) => ({ ...r, cards: r.cards === undefined ? undefined : Object.fromEntries(r.cards) })),
  };
}

/** A URL with any password replaced by ***. */
export function maskUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = '***';
    return url.toString();
  } catch {
    return text;
  }
}
