import type { Logger } from 'pino';
import type { HubDatabase } from '../../db/database.js';
import { appendTo } from '../../collections.js';
import { HubError } from '../../errors.js';
import type { Policy } from '../policy-schema.js';
import type { CaseEvidence, EvidenceData } from '../ports.js';
import { CaseStore } from '../store.js';
import type { MessageState } from '../types.js';
import { resolveAddress, type ContactBook } from './addresses.js';
import { nextTry } from './backoff.js';
import { idempotencyKey, type Channel, type OutgoingMessage, type SendResult } from './channel.js';
import type { NotificationConfig } from './config.js';
import { createChannels } from './factory.js';
import { OutboxStore, type DueMessage } from './outbox-store.js';
import { escalateUnread, type UnreadEscalation } from './unread.js';

export interface OutboxOptions {
  db: HubDatabase;
  config: NotificationConfig;
  directory: ContactBook;
  logger: Logger;
  evidence?: CaseEvidence;
  /** Every timestamp the outbox writes, and the default `now` of its calls (default `Date.now`). */
  clock?: () => number;
  /** Jitter of the retry delays, in [0, 1) (default `Math.random`). */
  random?: () => number;
}

/** What one `sendDue` did, per message and in sum. */
export interface OutboxRound {
  results: MessageResult[];
  sent: number;
  /** Failed this time, queued again for later. */
  retrying: number;
  /** Refused for good by the channel. */
  failed: number;
  /** Given up: no address, no such channel, attempts or age used up. */
  undeliverable: number;
  /** Due, but left for the next round: their channel failed earlier in this one. */
  deferred: number;
}

export interface MessageResult {
  messageId: number;
  channel: string;
  /** The attempt's number; null when no attempt was made (no address, no channel). */
  attempt: number | null;
  state: MessageState;
  error: string | null;
}

/** Due messages taken per round. */
const BATCH = 500;
/** How long a claimed message is held beyond its channel's timeout before another round may take it. */
const LEASE_MARGIN_MS = 60_000;

/**
 * Sends the case engine's queued messages (`case_messages`) through the configured channels.
 *
 * Each message is claimed in a transaction that counts the attempt and writes it `pending`, sent
 * outside any transaction, and its outcome recorded in another: sent, queued again with backoff,
 * failed, or undeliverable. A crash between sending and recording leaves the claim to run out,
 * and the message is sent again with the same idempotency key: never lost, at worst repeated.
 * Channels run side by side with their own concurrency; once one fails in a way worth retrying,
 * its other messages wait for the next round, so a dead channel costs one timeout per round and
 * holds up nothing else.
 */
export class Outbox {
  readonly store: OutboxStore;
  private readonly cases: CaseStore;
  private readonly channels: Map<string, Channel>;
  private readonly config: NotificationConfig;
  private readonly directory: ContactBook;
  private readonly logger: Logger;
  private readonly evidence: CaseEvidence | undefined;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly stop = new AbortController();

  constructor(options: OutboxOptions) {
    this.store = new OutboxStore(options.db);
    this.cases = new CaseStore(options.db);
    this.config = options.config;
    this.channels = createChannels(options.config.channels);
    this.directory = options.directory;
    this.logger = options.logger.child({ component: 'outbox' });
    this.evidence = options.evidence;
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /**
   * Sends every message due by `nowMs` (default: the clock), all channels at once. Outcomes are
   * stamped with the clock when it is later than `nowMs`, with `nowMs` otherwise.
   */
  async sendDue(nowMs: number = this.clock()): Promise<OutboxRound> {
    const round: OutboxRound = { results: [], sent: 0, retrying: 0, failed: 0, undeliverable: 0, deferred: 0 };
    const byChannel = new Map<string, DueMessage[]>();
    for (const m of this.store.due(nowMs, BATCH)) {
      if (!this.channels.has(m.channel)) {
        this.write('give up a message', () => this.giveUp(m, null, `no channel "${m.channel}" is configured`, nowMs, round));
        continue;
      }
      appendTo(byChannel, m.channel, m);
    }
    await Promise.all([...byChannel].map(([name, list]) => this.runChannel(this.channels.get(name)!, list, nowMs, round)));
    if (round.results.length > 0 || round.deferred > 0) {
      const { sent, retrying, failed, undeliverable, deferred } = round;
      this.logger.info({ sent, retrying, failed, undeliverable, deferred }, 'outbox round');
    }
    return round;
  }

  /**
   * A channel's callback or an HR user says the message reached the recipient. Idempotent (true
   * only when something was recorded); never moves a message back: a read message stays read.
   */
  markDelivered(messageId: number, atMs: number, source: string): boolean {
    return this.receipt(messageId, 'delivered', atMs, source);
  }

  /** The recipient read it (a read receipt, or HR heard from them). Idempotent; read stays read. */
  markRead(messageId: number, atMs: number, source: string): boolean {
    return this.receipt(messageId, 'read', atMs, source);
  }

  /**
   * Messages to the employee sent `afterMinutes` ago or more and not read: each goes to their
   * manager once, on the policy's `unread.channels`.
   */
  unreadEscalation(nowMs: number, policyUnread: Policy['unread']): UnreadEscalation[] {
    if (policyUnread === undefined) return [];
    const out = this.write('escalate unread messages', () =>
      escalateUnread({ store: this.store, cases: this.cases, directory: this.directory, record: (m, kind, detail) => this.record(m, nowMs, kind, detail) }, nowMs, policyUnread),
    );
    for (const e of out) this.logger.info(e, 'unread message sent on to the manager');
    return out;
  }

  /** Stops requests in flight (they are recorded as worth retrying). */
  close(): void {
    this.stop.abort();
  }

  private async runChannel(channel: Channel, list: readonly DueMessage[], nowMs: number, round: OutboxRound): Promise<void> {
    const limits = this.config.channels[channel.name]!;
    let next = 0;
    /** Set once the channel failed in a way worth retrying: when its waiting messages are due again. */
    let backOffUntil: number | undefined;
    const worker = async (): Promise<void> => {
      while (backOffUntil === undefined && next < list.length) {
        const m = list[next++]!;
        const claimed = this.write('claim a message', () => this.claim(channel, m, nowMs, nowMs + limits.timeoutMs + LEASE_MARGIN_MS, round));
        if (claimed === undefined) continue;
        const result = await this.sendOne(channel, claimed.message);
        try {
          const retryAt = this.write('record a send', () => this.finish(m, claimed.attempt, result, this.after(nowMs), round));
          if (result.outcome === 'retryable') backOffUntil ??= retryAt ?? this.after(nowMs) + limits.retry.firstDelayMs;
        } catch (err) {
          // Left claimed: it is sent again, with the same key, once the claim runs out.
          this.logger.error({ err, messageId: m.messageId }, 'could not record the outcome of a send');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limits.concurrency, list.length) }, worker));
    const waiting = list.slice(next);
    if (waiting.length === 0) return;
    // The channel is down or throttling: its other messages wait with the one that failed,
    // without an attempt counted against them.
    round.deferred += waiting.length;
    const until = backOffUntil ?? this.after(nowMs);
    this.write('defer a failing channel\'s messages', () => {
      for (const m of waiting) this.store.deferTo(m.messageId, until, this.after(nowMs));
    });
  }

  /** Resolves the address and claims the message, or gives it up when there is no address. */
  private claim(channel: Channel, m: DueMessage, nowMs: number, leaseUntil: number, round: OutboxRound): { attempt: number; message: OutgoingMessage } | undefined {
    const to = resolveAddress(m.role, m.recipientId, channel.needs, this.directory, this.config.recipients);
    if (!to.ok) {
      this.giveUp(m, null, to.reason, nowMs, round);
      return undefined;
    }
    const attempt = this.store.claim(m.messageId, channel.name, nowMs, leaseUntil);
    if (attempt === undefined) return undefined;
    const message: OutgoingMessage = {
      messageId: m.messageId, caseId: m.caseId, idempotencyKey: idempotencyKey(m.caseId, m.messageId),
      recipient: to.recipient, address: to.address, subject: m.subject, text: m.text,
    };
    return { attempt, message };
  }

  private async sendOne(channel: Channel, message: OutgoingMessage): Promise<SendResult> {
    try {
      return await channel.send(message, this.stop.signal);
    } catch (err) {
      // Channels return failures; one that throws has a bug, which must not end the round.
      this.logger.error({ err, channel: channel.name, messageId: message.messageId }, 'a channel threw');
      return { outcome: 'retryable', error: `the channel failed: ${(err as Error).message}`, exchange: { request: { method: '?', url: '' }, durationMs: 0 } };
    }
  }

  /** Records an attempt's outcome; returns when the message is due again, if it is. */
  private finish(m: DueMessage, attempt: number, result: SendResult, at: number, round: OutboxRound): number | undefined {
    const error = result.outcome === 'ok' ? null : result.error;
    this.store.finishAttempt(m.messageId, attempt, result.outcome, at, result.exchange, error);
    const detail = { messageId: m.messageId, channel: m.channel, role: m.role, attempt };
    if (result.outcome === 'ok') {
      this.store.receipt(m.messageId, 'sent', at, m.channel);
      if (this.store.settle(m.messageId, 'sent', at)) this.record(m, at, 'message_sent', detail);
      round.sent++;
      round.results.push({ messageId: m.messageId, channel: m.channel, attempt, state: 'sent', error: null });
      return undefined;
    }
    if (result.outcome === 'permanent') {
      if (this.store.settle(m.messageId, 'failed', at, { error })) this.record(m, at, 'message_failed', { ...detail, error });
      round.failed++;
      round.results.push({ messageId: m.messageId, channel: m.channel, attempt, state: 'failed', error });
      return undefined;
    }
    const retry = nextTry(attempt, m.createdAt, at, this.config.channels[m.channel]!.retry, this.random);
    if (!retry.retry) {
      this.giveUp(m, attempt, `${retry.reason}; last: ${result.error}`, at, round);
      return undefined;
    }
    this.store.retryAt(m.messageId, retry.atMs, at, result.error);
    round.retrying++;
    round.results.push({ messageId: m.messageId, channel: m.channel, attempt, state: 'queued', error: result.error });
    return retry.atMs;
  }

  private giveUp(m: DueMessage, attempt: number | null, reason: string, atMs: number, round: OutboxRound): void {
    if (!this.store.settle(m.messageId, 'undeliverable', atMs, { error: reason })) return;
    this.record(m, atMs, 'message_undeliverable', { messageId: m.messageId, channel: m.channel, role: m.role, attempt, reason });
    round.undeliverable++;
    round.results.push({ messageId: m.messageId, channel: m.channel, attempt, state: 'undeliverable', error: reason });
  }

  private receipt(messageId: number, kind: 'delivered' | 'read', atMs: number, source: string): boolean {
    return this.write(`record that message ${messageId} was ${kind}`, () => {
      const m = this.store.message(messageId);
      if (m === undefined) throw new HubError('NOT_FOUND', `message ${messageId} does not exist`);
      const noted = this.store.receipt(messageId, kind, atMs, source);
      const moved = this.store.advance(messageId, kind, atMs);
      if (moved) this.record(m, atMs, `message_${kind}`, { messageId, channel: m.channel, role: m.role, source });
      return noted || moved;
    });
  }

  /** The time an outcome is recorded at: the clock's, but never before the round began. */
  private after(roundStart: number): number {
    return Math.max(roundStart, this.clock());
  }

  /** The evidence fact of something that happened to a message (the case's timeline shows it). */
  private record(m: DueMessage, atMs: number, kind: string, detail: EvidenceData): void {
    this.evidence?.append({ kind: `case.${kind}`, caseId: m.caseId, employeeId: m.employeeId, atMs, data: detail });
  }

  /** One IMMEDIATE transaction; a database failure becomes HubError('STORE'). */
  private write<T>(what: string, work: () => T): T {
    return this.cases.write(what, work);
  }
}
