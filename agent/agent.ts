import type { Logger } from 'pino';
import type { AgentConfig, HidReaderConfig } from './config/schema.js';
import { toTerminalHealth } from './health-report.js';
import { hidPunch } from './hid/hid-punch.js';
import { openHidReader, type HidReader } from './hid/hid-reader.js';
import { inflightMemoryWarning } from './memory-check.js';
import type { PollerHealth } from './poller/health.js';
import { TerminalPoller } from './poller/poller.js';
import { Publisher } from './publisher/publisher.js';
import { Semaphore } from './semaphore.js';
import { Outbox } from './store/outbox.js';
import { packageVersion } from './version.js';

export interface AgentProgress {
  terminal: string;
  records: number;
  expected: number;
}

export interface StartAgentOptions {
  logger: Logger;
  /** Progress of each terminal's log read (a CLI progress bar during backfills). */
  onProgress?: (p: AgentProgress) => void;
  /** Loads node-hid for HID readers (tests); default `import('node-hid')`. */
  loadHid?: () => Promise<unknown>;
  /** How often terminal health is re-published when its backlog changed (default 10,000 ms). */
  healthRefreshMs?: number;
}

export interface RunningAgent {
  readonly outbox: Outbox;
  readonly publisher: Publisher;
  readonly pollers: readonly TerminalPoller[];
  stop(): Promise<void>;
}

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The agent: one outbox, one publisher, one poller per terminal, one reader per HID badge reader.
 * Pollers and readers write to the outbox and kick the publisher; the publisher drains the outbox
 * to the hub and marks rows delivered on the hub's acks; health and alarms flow to retained topics.
 */
export async function startAgent(config: AgentConfig, options: StartAgentOptions): Promise<RunningAgent> {
  const logger = options.logger.child({ site: config.site, gateway: config.gateway });
  const memoryWarning = inflightMemoryWarning(config.publish.batchSize, config.publish.maxInflightBatches);
  if (memoryWarning !== undefined) logger.warn(memoryWarning);
  const outbox = new Outbox({
    path: config.outbox.path,
    synchronous: config.outbox.synchronous,
    maxBacklog: config.outbox.maxBacklog,
    minFreeBytes: config.outbox.minFreeMB * 2 ** 20,
    keepDelivered: config.outbox.keepDelivered,
    cacheKiB: config.outbox.cacheMB * 1024,
    logger,
  });
  const publisher = new Publisher({
    outbox,
    site: config.site,
    gateway: config.gateway,
    broker: config.broker,
    batchSize: config.publish.batchSize,
    maxInflightBatches: config.publish.maxInflightBatches,
    ackTimeoutMs: config.publish.ackTimeoutSeconds * 1000,
    version: packageVersion(),
    logger,
  });
  const alarms = new Map<string, string[]>();
  const publishAlarms = (): void => publisher.setAlarms([...alarms.entries()].flatMap(([name, list]) => list.map((a) => `${name}: ${a}`)));

  const readSlots = new Semaphore(config.concurrentReads);
  const pollers = config.terminals.map((t) => {
    const poller = new TerminalPoller({
      readSlots,
      name: t.name,
      url: t.url,
      utcOffsetMinutes: config.utcOffset,
      outbox,
      pollIntervalMs: t.pollIntervalSeconds * 1000,
      realtime: t.realtime,
      clock: t.clock,
      clearAfterAck: { enabled: t.clearAfterAck.enabled, minFillRatio: t.clearAfterAck.minFillPercent / 100 },
      ...(t.timeoutMs === undefined ? {} : { timeoutMs: t.timeoutMs }),
      logger,
    });
    poller.on('punches', () => publisher.kick());
    poller.on('progress', (p) => options.onProgress?.({ terminal: t.name, records: p.records, expected: p.expected }));
    poller.on('health', (h) => {
      alarms.set(t.name, h.alarms);
      publishAlarms();
      latestHealth.set(t.name, h);
      publishHealth(h, outbox.backlogBySerial());
    });
    return poller;
  });

  // Health carries the terminal's backlog, which drains between polls: refresh it as it changes.
  const latestHealth = new Map<string, PollerHealth>();
  const publishedBacklog = new Map<string, number>();
  const publishHealth = (h: PollerHealth, backlogs: Map<string, number>): void => {
    const health = toTerminalHealth(config.gateway, h, backlogs);
    if (health === undefined) return;
    try {
      publisher.publishHealth(health);
      // Only once it went out: a report that failed is tried again at the next refresh.
      publishedBacklog.set(h.name, health.backlog);
    } catch (err) {
      // A health report that does not fit the contract is a bug to log, never a reason to stop polling.
      logger.error({ err, terminal: h.name }, 'could not publish terminal health');
    }
  };
  const healthTimer = setInterval(() => {
    if (latestHealth.size === 0) return;
    const backlogs = outbox.backlogBySerial();
    for (const h of latestHealth.values()) {
      if (h.deviceSerial !== null && (backlogs.get(h.deviceSerial) ?? 0) !== publishedBacklog.get(h.name)) publishHealth(h, backlogs);
    }
  }, options.healthRefreshMs ?? 10_000);
  healthTimer.unref();

  const readers: HidReader[] = [];
  const stopAll = async (): Promise<void> => {
    clearInterval(pruneTimer);
    clearInterval(healthTimer);
    for (const r of readers) r.close();
    await Promise.all(pollers.map((p) => p.stop()));
    await publisher.stop();
    outbox.close();
  };
  const pruneTimer = setInterval(() => {
    const pruned = outbox.prune();
    if (pruned > 0) logger.info({ pruned }, 'pruned delivered punches');
  }, PRUNE_EVERY_MS);
  pruneTimer.unref();

  try {
    for (const reader of config.hidReaders) readers.push(await openReader(reader, config.utcOffset, outbox, publisher, logger, options.loadHid));
    // The publisher connects in the background when the broker is down: punches keep being stored.
    await publisher.start();
    for (const p of pollers) p.start();
  } catch (err) {
    await stopAll();
    throw err;
  }
  logger.info({ terminals: pollers.length, hidReaders: readers.length, epoch: outbox.epoch }, 'agent started');

  let stopping: Promise<void> | undefined;
  return {
    outbox,
    publisher,
    pollers,
    stop: () => {
      stopping ??= stopAll().then(() => logger.info('agent stopped'));
      return stopping;
    },
  };
}

function openReader(reader: HidReaderConfig, utcOffset: number, outbox: Outbox, publisher: Publisher, logger: Logger, loadHid?: () => Promise<unknown>): Promise<HidReader> {
  return openHidReader(reader, {
    logger,
    ...(loadHid === undefined ? {} : { loadHid }),
    onCard: (card, at) => {
      const result = outbox.insert([hidPunch(reader, card, at, utcOffset)]);
      logger.info({ reader: reader.name, stored: result.inserted }, 'card swipe');
      publisher.kick();
    },
  });
}

/** The contract's health message, once the terminal's serial number is known. */
