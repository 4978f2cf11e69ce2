import type { HubDatabase } from '../../db/database.js';
import type { Recipient } from '../policy-schema.js';
import type { MessageState } from '../types.js';
import type { Exchange } from './channel.js';

/** A queued message with what sending it needs from its case. */
export interface DueMessage {
  messageId: number;
  caseId: number;
  /** The case's employee (the evidence log files facts under them). */
  employeeId: string;
  role: Recipient;
  recipientId: string | null;
  channel: string;
  subject: string | null;
  text: string;
  attempts: number;
  createdAt: number;
}

export type AttemptOutcome = 'ok' | 'retryable' | 'permanent';

/** A message sent to the employee, not read, sent long enough ago to go to the manager. */
export interface UnreadMessage extends DueMessage {
  sentAt: number;
}

/** The states a message can move to from each, so a receipt or a late outcome never moves one back. */
const RANK: Record<MessageState, number> = { queued: 0, failed: 1, undeliverable: 1, sent: 2, delivered: 3, read: 4 };

export function isAfter(to: MessageState, from: MessageState): boolean {
  return RANK[to] > RANK[from];
}

/** The outbox's statements on `case_messages` (with their notifications) and its own tables (schema.ts), prepared once per connection. */
export class OutboxStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(readonly db: HubDatabase) {
    this.s = prepare(db);
  }

  due(nowMs: number, limit: number): DueMessage[] {
    return this.s.due.all(nowMs, limit) as DueMessage[];
  }

  message(messageId: number): (DueMessage & { state: MessageState }) | undefined {
    return this.s.message.get(messageId) as (DueMessage & { state: MessageState }) | undefined;
  }

  /**
   * Takes a due message for one attempt: counts the attempt, holds the message until `leaseUntil`
   * (another round or hub process leaves it alone; if this one dies, it is due again then), marks
   * an earlier attempt never finished as abandoned, and writes this one as pending. Returns the
   * attempt's number, or undefined when the message is not queued and due any more.
   */
  claim(messageId: number, channel: string, nowMs: number, leaseUntil: number): number | undefined {
    const attempt = this.s.claim.get({ messageId, nowMs, leaseUntil }) as number | undefined;
    if (attempt === undefined) return undefined;
    this.s.abandon.run({ messageId, nowMs });
    this.s.startAttempt.run({ messageId, attempt, channel, nowMs });
    return attempt;
  }

  finishAttempt(messageId: number, attempt: number, outcome: AttemptOutcome, atMs: number, exchange: Exchange | undefined, error: string | null): void {
    this.s.finishAttempt.run({
      messageId, attempt, outcome, atMs, error,
      request: exchange === undefined ? null : JSON.stringify(exchange.request),
      response: exchange?.response === undefined ? null : JSON.stringify(exchange.response),
      durationMs: exchange?.durationMs ?? null,
    });
  }

  /** Moves a queued message on; false when it is not queued any more (a receipt overtook the send). */
  settle(messageId: number, state: MessageState, atMs: number, extra: { nextTryMs?: number | null; error?: string | null } = {}): boolean {
    return this.s.settle.run({ messageId, state, atMs, nextTryMs: extra.nextTryMs ?? null, error: extra.error ?? null }).changes === 1;
  }

  /** Back in the queue for another attempt at `nextTryMs`. */
  retryAt(messageId: number, nextTryMs: number, atMs: number, error: string): boolean {
    return this.s.retryAt.run({ messageId, nextTryMs, atMs, error }).changes === 1;
  }

  /** Holds a queued message back until `untilMs` (never brings one forward). */
  deferTo(messageId: number, untilMs: number, atMs: number): void {
    this.s.deferTo.run({ messageId, untilMs, atMs });
  }

  attempts(messageId: number): AttemptRow[] {
    return (this.s.attempts.all(messageId) as AttemptDbRow[]).map((r) => ({
      ...r,
      request: r.request === null ? null : (JSON.parse(r.request) as Exchange['request']),
      response: r.response === null ? null : (JSON.parse(r.response) as NonNullable<Exchange['response']>),
    }));
  }

  /** Sets a receipt time (sent, delivered or read) unless it is set already; true when it was not. */
  receipt(messageId: number, kind: 'sent' | 'delivered' | 'read', atMs: number, source: string | null): boolean {
    this.s.ensureReceipt.run(messageId);
    const changed = this.s[`${kind}Receipt`].run({ messageId, atMs, source }).changes === 1;
    // A read message was delivered, by then at the latest.
    if (kind === 'read') this.s.deliveredReceipt.run({ messageId, atMs, source });
    return changed;
  }

  receipts(messageId: number): Receipts | undefined {
    return this.s.receipts.get(messageId) as Receipts | undefined;
  }

  /** Moves a message to delivered or read when that is forward from where it is. */
  advance(messageId: number, to: 'delivered' | 'read', atMs: number): boolean {
    const m = this.message(messageId);
    if (m === undefined || !isAfter(to, m.state)) return false;
    return this.s.advance.run({ messageId, to, from: m.state, atMs }).changes === 1;
  }

  unread(sentBy: number, limit: number): UnreadMessage[] {
    return this.s.unread.all(sentBy, limit) as UnreadMessage[];
  }

  markEscalated(messageId: number, atMs: number): boolean {
    return this.s.markEscalated.run(atMs, messageId).changes === 1;
  }
}

export interface Receipts {
  sentAt: number | null;
  deliveredAt: number | null;
  deliveredSource: string | null;
  readAt: number | null;
  readSource: string | null;
  unreadEscalatedAt: number | null;
}

export interface AttemptRow {
  attempt: number;
  channel: string;
  startedAt: number;
  finishedAt: number | null;
  outcome: AttemptOutcome | 'pending' | 'abandoned';
  request: Exchange['request'] | null;
  response: NonNullable<Exchange['response']> | null;
  error: string | null;
  durationMs: number | null;
}

type AttemptDbRow = Omit<AttemptRow, 'request' | 'response'> & { request: string | null; response: string | null };

const DUE_COLUMNS = `m.message_id AS messageId, n.case_id AS caseId, c.employee_id AS employeeId, m.role, m.recipient_id AS recipientId,
  m.channel, n.subject, n.text, m.attempts, n.created_at AS createdAt`;
/** A message with its notification (the text) and its case (the employee). */
const WITH_CASE = 'JOIN case_notifications n ON n.notification_id = m.notification_id JOIN cases c ON c.case_id = n.case_id';

function prepare(db: HubDatabase) {
  return {
    due: db.prepare(`SELECT ${DUE_COLUMNS} FROM case_messages m ${WITH_CASE}
      WHERE m.state = 'queued' AND m.next_try_ms <= ? ORDER BY m.next_try_ms, m.message_id LIMIT ?`),
    message: db.prepare(`SELECT ${DUE_COLUMNS}, m.state FROM case_messages m ${WITH_CASE} WHERE m.message_id = ?`),
    claim: db.prepare(`UPDATE case_messages SET attempts = attempts + 1, next_try_ms = @leaseUntil, updated_at = @nowMs
      WHERE message_id = @messageId AND state = 'queued' AND next_try_ms <= @nowMs RETURNING attempts`).pluck(),
    abandon: db.prepare(`UPDATE case_message_attempts SET outcome = 'abandoned', finished_at = @nowMs,
      error = 'the hub stopped before the outcome was recorded; sent again with the same idempotency key'
      WHERE message_id = @messageId AND outcome = 'pending'`),
    startAttempt: db.prepare("INSERT INTO case_message_attempts (message_id, attempt, channel, started_at, outcome) VALUES (@messageId, @attempt, @channel, @nowMs, 'pending')"),
    finishAttempt: db.prepare(`UPDATE case_message_attempts SET outcome = @outcome, finished_at = @atMs, request = @request, response = @response,
      error = @error, duration_ms = @durationMs WHERE message_id = @messageId AND attempt = @attempt AND outcome = 'pending'`),
    settle: db.prepare(`UPDATE case_messages SET state = @state, next_try_ms = @nextTryMs, last_error = @error, updated_at = @atMs
      WHERE message_id = @messageId AND state = 'queued'`),
    retryAt: db.prepare(`UPDATE case_messages SET next_try_ms = @nextTryMs, last_error = @error, updated_at = @atMs
      WHERE message_id = @messageId AND state = 'queued'`),
    deferTo: db.prepare(`UPDATE case_messages SET next_try_ms = @untilMs, updated_at = @atMs
      WHERE message_id = @messageId AND state = 'queued' AND next_try_ms < @untilMs`),
    attempts: db.prepare(`SELECT attempt, channel, started_at AS startedAt, finished_at AS finishedAt, outcome, request, response, error, duration_ms AS durationMs
      FROM case_message_attempts WHERE message_id = ? ORDER BY attempt`),
    ensureReceipt: db.prepare('INSERT OR IGNORE INTO case_message_receipts (message_id) VALUES (?)'),
    sentReceipt: db.prepare('UPDATE case_message_receipts SET sent_at = @atMs WHERE message_id = @messageId AND sent_at IS NULL'),
    deliveredReceipt: db.prepare('UPDATE case_message_receipts SET delivered_at = @atMs, delivered_source = @source WHERE message_id = @messageId AND delivered_at IS NULL'),
    readReceipt: db.prepare('UPDATE case_message_receipts SET read_at = @atMs, read_source = @source WHERE message_id = @messageId AND read_at IS NULL'),
    receipts: db.prepare(`SELECT sent_at AS sentAt, delivered_at AS deliveredAt, delivered_source AS deliveredSource, read_at AS readAt, read_source AS readSource,
      unread_escalated_at AS unreadEscalatedAt FROM case_message_receipts WHERE message_id = ?`),
    advance: db.prepare('UPDATE case_messages SET state = @to, updated_at = @atMs WHERE message_id = @messageId AND state = @from'),
    unread: db.prepare(`SELECT ${DUE_COLUMNS}, r.sent_at AS sentAt FROM case_message_receipts r
      JOIN case_messages m ON m.message_id = r.message_id ${WITH_CASE}
      WHERE r.read_at IS NULL AND r.unread_escalated_at IS NULL AND r.sent_at <= ? AND m.role = 'employee'
        AND m.state IN ('sent', 'delivered') AND c.state <> 'resolved'
      ORDER BY r.sent_at, m.message_id LIMIT ?`),
    markEscalated: db.prepare('UPDATE case_message_receipts SET unread_escalated_at = ? WHERE message_id = ? AND unread_escalated_at IS NULL'),
  };
}
