import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { BrokerAccess, HUB_USERNAME } from './broker/access.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded-broker.js';
import type { HubConfig } from './config/load.js';
import { openHubDatabase, type HubDatabase } from './db/database.js';
import { LiveEvents } from './api/live-events.js';
import { startApi, type RunningApi } from './api/server.js';
import { shownConfig } from './config/shown-config.js';
import { hubMetrics } from './metrics/hub-metrics.js';
import { Ingest, type IngestConnection } from './ingest/ingest.js';
import { Outbox } from './cases/channels/outbox.js';
import type { CaseEngine } from './cases/engine.js';
import { pdfPrinter } from './cases/notices/pdf.js';
import { EvidenceLog } from './evidence/log.js';
import { evidenceKeyPath, loadOrCreateEvidenceKey } from './evidence/keys.js';
import { openCases } from './wiring/case-ports.js';
import { openModules, type HubModules } from './wiring/modules.js';

/** How often live pages' terminal views are checked for news. */
const HEALTH_WATCH_MS = 5_000;

export interface HubOptions {
  logger: Logger;
  /** The hub's MQTT client id; each hub process sharing a broker needs its own, stable across restarts. */
  clientId?: string;
}

/** A running hub: broker (when embedded), database, ingest, detection, cases, API. */
export interface RunningHub {
  db: HubDatabase;
  broker: EmbeddedBroker | undefined;
  ingest: Ingest;
  modules: HubModules;
  cases: CaseEngine;
  evidence: EvidenceLog;
  api: RunningApi | undefined;
  /** The URL gateways use (the embedded broker's, or the external one's). */
  brokerUrl: string;
  stop(): Promise<void>;
}

/**
 * The hub's composition root: opens the database, starts the embedded broker with per-gateway
 * sign-in (or reaches the external one), starts ingest for the configured sites, runs detection
 * and then the case ladder every `detection.intervalSeconds`, and serves the API when configured.
 */
export async function startHub(config: HubConfig, options: HubOptions): Promise<RunningHub> {
  const logger = options.logger;
  const db = openHubDatabase({ path: config.database.path, synchronous: config.database.synchronous, logger: logger.child({ component: 'db' }) });
  const stack: Array<() => Promise<void> | void> = [() => void db.close()];
  const unwind = async (): Promise<void> => {
    for (const step of stack.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        logger.warn({ err }, 'shutdown step failed');
      }
    }
  };
  try {
    const gateways = new Map(config.sites.map((s) => [s.id, new Set(s.gateways.map((g) => g.id))]));
    let broker: EmbeddedBroker | undefined;
    let connection: IngestConnection;
    if (config.broker.kind === 'embedded') {
      const access = new BrokerAccess(config.sites);
      const brokerLogger = logger.child({ component: 'broker' });
      const b = config.broker;
      broker = await startEmbeddedBroker({
        host: b.host,
        port: b.port,
        access,
        onRefused: (r) => brokerLogger.warn(r, 'broker refused a client'),
        ...(b.tls === undefined ? {} : { tls: b.tls }),
        ...(b.websocket === undefined ? {} : { websocket: b.websocket }),
      });
      const embedded = broker;
      stack.push(() => embedded.close());
      brokerLogger.info({ url: broker.url, tls: broker.tlsUrl, websocket: broker.wsUrl }, 'embedded MQTT broker listening');
      connection = { url: broker.url, username: HUB_USERNAME, password: access.hubPassword, clientId: options.clientId ?? 'rollcall-hub-ingest', shareGroup: null };
    } else {
      const b = config.broker;
      connection = { url: b.url, clientId: options.clientId ?? b.clientId ?? `rollcall-hub-${hostname()}`, shareGroup: b.shareGroup };
      if (b.username !== undefined) connection.username = b.username;
      if (b.password !== undefined) connection.password = b.password;
      if (b.tls !== undefined) connection.tls = b.tls;
    }
    const modules = openModules({ db, config, logger, hubId: connection.clientId });
    stack.push(() => modules.close());
    modules.startWorkers();
    const evidence = new EvidenceLog({ db, key: loadOrCreateEvidenceKey(evidenceKeyPath(config.database.path), logger), logger: logger.child({ component: 'evidence' }) });
    const cases = openCases(modules, { sites: config.sites, policy: config.cases.policy, logger, evidence });
    const ingest = new Ingest({ connection, gateways, punches: modules.punches, health: modules.health, logger });
    await ingest.start();
    stack.push(() => ingest.close());
    logger.info({ clientId: connection.clientId, sites: [...gateways.keys()] }, 'hub ingest running');

    // Approved notices are printed to PDF after each run, one round at a time; without Chromium
    // they stay HTML-only (HTML is what approval records) and the hub says so once.
    let print: ((html: string) => Promise<Buffer>) | undefined;
    try {
      print = pdfPrinter(config.cases.chromiumPath === undefined ? {} : { chromium: config.cases.chromiumPath });
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'approved notices will not be printed to PDF');
    }
    let printing: Promise<unknown> | undefined;
    stack.push(async () => {
      await printing;
    });
    // Queued notifications leave through the configured channels, a round at a time, after each
    // run; without a `channels` section they stay queued.
    const outbox = config.channels === undefined ? undefined : new Outbox({ db, config: config.channels, directory: modules.directory, logger, evidence });
    let sending: Promise<unknown> | undefined;
    if (outbox !== undefined) {
      stack.push(async () => {
        outbox.close();
        await sending;
      });
    } else {
      logger.info('no channels configured: case notifications wait in the outbox, unsent');
    }

    // What the dashboard's live pages are told changed.
    const events = new LiveEvents();
    stack.push(() => events.close());
    let running = true;
    const detect = (): void => {
      if (!running) return;
      try {
        const result = modules.runDetection();
        const raised = result.events.length;
        if (raised > 0) {
          logger.info({ events: raised }, 'detection raised or changed events');
          events.publish('no-shows');
        }
      } catch (err) {
        logger.error({ err }, 'detection run failed; it runs again at the next interval');
      }
      // After detection, whether or not it failed: steps already due must not wait for it. Each
      // part goes on when another fails; what failed is tried again at the next interval.
      try {
        if (cases.run().length > 0) events.publish('cases');
      } catch (err) {
        logger.error({ err }, 'the case ladder could not advance; it tries again at the next interval');
      }
      if (print !== undefined && printing === undefined) {
        printing = cases.notices
          .print(print)
          .then((printed) => {
            if (printed > 0) events.publish('cases');
          })
          .catch((err: unknown) => logger.error({ err }, 'printing notices failed'))
          .finally(() => (printing = undefined));
      }
      if (outbox !== undefined && sending === undefined) {
        sending = outbox
          .sendDue()
          .then(() => outbox.unreadEscalation(Date.now(), config.cases.policy.unread))
          .catch((err: unknown) => logger.error({ err }, 'sending notifications failed'))
          .finally(() => (sending = undefined));
      }
      try {
        // A signed tree head over what was recorded (nothing new is signed again).
        evidence.checkpoint();
      } catch (err) {
        logger.error({ err }, 'could not sign the evidence log\'s tree head; trying again at the next interval');
      }
    };
    const timer = setInterval(detect, config.detection.intervalSeconds * 1000);
    stack.push(() => {
      running = false;
      clearInterval(timer);
    });
    setImmediate(detect);

    let api: RunningApi | undefined;
    if (config.api !== undefined) {
      api = await startApi({
        ...config.api,
        sites: config.sites,
        modules,
        cases: { cases, evidence, ...(outbox === undefined ? {} : { outbox }) },
        evidence,
        events,
        metrics: () => hubMetrics({ modules, sites: config.sites, cases, evidence, ingest, nowMs: Date.now }),
        admin: { config: () => shownConfig(config), policy: () => ({ ...cases.currentPolicy(), file: config.cases.policyFile }) },
        logger: logger.child({ component: 'api' }),
      });
      const serving = api;
      stack.push(() => serving.close());
      // Terminals and gateways report on their own clock: live pages hear of it within seconds.
      let healthSeen = modules.health.lastChangeMs();
      const watchHealth = setInterval(() => {
        try {
          const changed = modules.health.lastChangeMs();
          if (changed !== healthSeen) events.publish('terminals');
          healthSeen = changed;
        } catch (err) {
          logger.warn({ err }, 'could not read terminal health for live pages');
        }
      }, HEALTH_WATCH_MS);
      stack.push(() => clearInterval(watchHealth));
    }
    let stopping: Promise<void> | undefined;
    return {
      db, broker, ingest, modules, cases, evidence, api,
      brokerUrl: broker?.url ?? connection.url,
      stop: () => (stopping ??= unwind()),
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
