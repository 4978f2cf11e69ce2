import type { Policy } from '../policy-schema.js';
import type { EvidenceData } from '../ports.js';
import type { CaseStore } from '../store.js';
import type { ContactBook } from './addresses.js';
import type { DueMessage, OutboxStore } from './outbox-store.js';

/** One unread message sent on to the manager. */
export interface UnreadEscalation {
  messageId: number;
  caseId: number;
  managerId: string | null;
  /** The channels it was queued on (none when the employee has no manager). */
  channels: string[];
}

export interface UnreadContext {
  store: OutboxStore;
  cases: CaseStore;
  directory: ContactBook;
  record(m: DueMessage, kind: string, detail: EvidenceData): void;
}

/** Unread messages looked at per call. */
const BATCH = 500;

/**
 * Queues, for each message to the employee sent at least `afterMinutes` before `nowMs` and not
 * read (of a case not resolved), one message to their manager on each of `unread.channels`. The
 * copies are one notification keyed `unread@<messageId>`, and the original is marked so it is
 * not looked at again (its receipt's `unread_escalated_at`, set once). Runs in the caller's
 * transaction.
 */
export function escalateUnread(ctx: UnreadContext, nowMs: number, unread: NonNullable<Policy['unread']>): UnreadEscalation[] {
  const out: UnreadEscalation[] = [];
  for (const m of ctx.store.unread(nowMs - unread.afterMinutes * 60_000, BATCH)) {
    if (!ctx.store.markEscalated(m.messageId, nowMs)) continue;
    const employee = m.recipientId === null ? undefined : ctx.directory.getEmployee(m.recipientId);
    const managerId = employee?.managerId ?? null;
    if (managerId === null) {
      ctx.record(m, 'message_unread_not_escalated', { messageId: m.messageId, reason: 'the employee has no manager in the directory' });
      out.push({ messageId: m.messageId, caseId: m.caseId, managerId: null, channels: [] });
      continue;
    }
    const minutes = Math.round((nowMs - m.sentAt) / 60_000);
    const text = `${employee?.name ?? m.recipientId} 在 ${minutes} 分钟内未阅读以下消息（${m.channel}）：\n${m.text}`;
    const subject = `未读提醒：${m.subject ?? '考勤消息'}`;
    const stepKey = `unread@${m.messageId}`;
    // Marked escalated above, once: this message is never escalated twice.
    const queued = [...unread.channels];
    if (queued.length > 0) {
      const to = queued.map((channel) => ({ role: 'manager' as const, recipientId: managerId, channel }));
      ctx.cases.queueNotification({ caseId: m.caseId, stepKey, template: 'unread-escalation', subject, text, to }, nowMs);
    }
    ctx.record(m, 'message_unread_escalated', { messageId: m.messageId, managerId, channels: queued, afterMinutes: unread.afterMinutes });
    out.push({ messageId: m.messageId, caseId: m.caseId, managerId, channels: queued });
  }
  return out;
}
