import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { HubDatabase } from '../db/database.js';
import { groupPunchWindow, PUNCH_WINDOW_SQL, type PunchWindow } from './punch-window.js';

/** One site's window of punches to read. */
export interface PunchSpan {
  site: string;
  fromMs: number;
  toMs: number;
}

export interface PunchPrefetchOptions {
  /** The hub database file (the worker opens its own read-only connection to it). */
  path: string;
  logger: Logger;
  /** How long `take` waits for the worker before reading on the main thread instead (default 10 s). */
  timeoutMs?: number;
}

type Reply = { id: number; windows: Array<{ site: string; window: PunchWindow }> } | { id: number; error: string };

/**
 * The worker: its own read-only connection, opened as it starts; for each request, every span's
 * window read in one read transaction and grouped, the buffers handed over without a copy, then
 * `done` raised to the request's id. A failure to open the database is the reply to every request.
 */
const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const groupPunchWindow = ${groupPunchWindow.toString()};
const { port, done, driver, path, sql } = workerData;
let read;
let openError;
try {
  const Database = require(driver);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const users = db.prepare(sql.users).pluck();
  const times = db.prepare(sql.times).pluck();
  read = db.transaction((list) => list.map((s) => ({ site: s.site, window: groupPunchWindow(users.all(s.site, s.fromMs, s.toMs), times.all(s.site, s.fromMs, s.toMs)) })));
} catch (err) {
  openError = err instanceof Error ? err.message : String(err);
}
port.on('message', ({ id, spans }) => {
  try {
    if (read === undefined) throw new Error('cannot open the database ' + path + ': ' + openError);
    const windows = read.deferred(spans);
    port.postMessage({ id, windows }, windows.flatMap((w) => [w.window.ends.buffer, w.window.times.buffer]));
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
  Atomics.store(done, 0, id);
  Atomics.notify(done, 0);
});
`;

/**
 * Reads punch windows on a worker thread while the main thread does something else (detection
 * plans the day's 100,000 shifts while the worker reads and groups their 300,000 punches: on two
 * cores the two overlap). `request` starts a read; `take` blocks until that read is done and hands
 * the windows over. Detection stays synchronous: the wait is an Atomics.wait on a shared counter,
 * the reply is taken with receiveMessageOnPort.
 *
 * Anything wrong (the worker cannot start, open the database, or answer in time) makes `take`
 * return undefined, logged, and the caller reads on its own thread as it would without a worker;
 * after a failure of the worker itself, no more requests go to it.
 */
export class PunchPrefetch {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private lastId = 0;
  private pending: { id: number; spans: readonly PunchSpan[] } | undefined;
  private broken = false;
  private readonly logger: Logger;
  private readonly timeoutMs: number;

  constructor(private readonly options: PunchPrefetchOptions) {
    this.logger = options.logger.child({ component: 'punch-prefetch' });
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** A prefetcher for a database file; undefined for an in-memory database (no other connection can see it). */
  static forDatabase(db: HubDatabase, logger: Logger): PunchPrefetch | undefined {
    return db.memory || db.name === '' ? undefined : new PunchPrefetch({ path: db.name, logger });
  }

  /**
   * Starts the worker now rather than at the first request (the hub does at start: loading the
   * driver and opening the database then stay off the first detection run's path).
   */
  start(): void {
    if (this.broken) return;
    try {
      this.started();
    } catch (err) {
      this.fail('could not start the punch prefetch worker', err);
    }
  }

  /** Starts reading the spans in the background (replacing a request nobody took). */
  request(spans: readonly PunchSpan[]): void {
    if (this.broken || spans.length === 0) return;
    try {
      const port = this.started();
      // Replies to requests nobody took are dropped, not kept until the next take.
      while (receiveMessageOnPort(port) !== undefined);
      const id = ++this.lastId;
      port.postMessage({ id, spans });
      this.pending = { id, spans };
    } catch (err) {
      this.fail('could not start the punch prefetch worker', err);
    }
  }

  /**
   * The windows of `spans`, by site, when the request under way covers each of them (a window
   * read may be wider than asked for: the caller keeps only its span); undefined when it does not,
   * or the read failed, and the caller reads them itself.
   */
  take(spans: readonly PunchSpan[]): Map<string, PunchWindow> | undefined {
    const pending = this.pending;
    this.pending = undefined;
    const port = this.port;
    if (pending === undefined || port === undefined || !covers(pending.spans, spans)) return undefined;
    const deadline = performance.now() + this.timeoutMs;
    for (let seen = Atomics.load(this.done, 0); seen < pending.id; seen = Atomics.load(this.done, 0)) {
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(this.done, 0, seen, left) === 'timed-out') {
        this.fail(`the punch prefetch worker did not answer within ${this.timeoutMs} ms`);
        return undefined;
      }
    }
    for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
      const reply = received.message as Reply;
      if (reply.id !== pending.id) continue;
      if ('error' in reply) {
        this.logger.warn({ reason: reply.error }, 'the punch prefetch worker could not read; reading on the main thread');
        return undefined;
      }
      return new Map(reply.windows.map((w) => [w.site, w.window]));
    }
    this.fail('the punch prefetch worker signalled a reply that never came');
    return undefined;
  }

  /** Stops the worker (the hub's shutdown). */
  async close(): Promise<void> {
    this.broken = true;
    this.pending = undefined;
    const worker = this.worker;
    this.worker = undefined;
    this.port?.close();
    this.port = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private started(): MessagePort {
    if (this.port !== undefined) return this.port;
    const channel = new MessageChannel();
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: channel.port2, done: this.done, driver, path: this.options.path, sql: PUNCH_WINDOW_SQL },
      transferList: [channel.port2],
    });
    // Never what keeps the hub's process alive.
    worker.unref();
    worker.on('error', (err) => this.fail('the punch prefetch worker failed', err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(`the punch prefetch worker stopped (exit code ${code})`);
    });
    this.worker = worker;
    this.port = channel.port1;
    return this.port;
  }

  private fail(message: string, err?: unknown): void {
    if (this.broken) return;
    this.broken = true;
    this.logger.error({ err }, `${message}; punches are read on the main thread from now on`);
    void this.close();
  }
}

/** Whether every wanted span lies within a requested span of the same site. */
function covers(requested: readonly PunchSpan[], wanted: readonly PunchSpan[]): boolean {
  return wanted.every((w) => requested.some((r) => r.site === w.site && r.fromMs <= w.fromMs && r.toMs >= w.toMs));
}
