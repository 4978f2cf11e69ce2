import type { Recipient } from '../policy-schema.js';

/**
 * Where a message goes, as the outbox resolved it from the directory or the configuration:
 * a phone number (SMS), an email address, a company chat group (WeCom, DingTalk and Feishu bots
 * post to their one group and @-mention the recipient there, so only colleagues can be reached
 * that way), or a fixed endpoint of the company's own (a webhook, told every contact known).
 */
export type Address = { kind: 'phone'; phone: string } | { kind: 'email'; email: string } | { kind: 'chat' } | { kind: 'endpoint' };

export type AddressKind = Address['kind'];

/** One queued message, ready for a channel. */
export interface OutgoingMessage {
  messageId: number;
  caseId: number;
  /**
   * `case-<caseId>-msg-<messageId>`: the same on every attempt, so a receiver that deduplicates
   * (webhooks, SMS gateways, mail servers by Message-ID) drops the copy a crash-and-resend makes.
   */
  idempotencyKey: string;
  recipient: RecipientInfo;
  address: Address;
  subject: string | null;
  text: string;
}

/** Who the message is for, with every contact known (group bots mention by phone or chat id). */
export interface RecipientInfo {
  role: Recipient;
  /** The employee id (employee, manager, and the employee's for their emergency contact); null for HR and the union. */
  id: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  /** WeCom, DingTalk or Feishu user id. */
  chatId: string | null;
}

/** What went over the wire, kept with every attempt: secrets redacted, bodies truncated. */
export interface Exchange {
  request: { method: string; url: string; headers?: Record<string, string>; body?: string };
  response?: { status: number; body: string };
  durationMs: number;
}

/**
 * How an attempt ended. `retryable`: the remote side may accept it later (timeouts, refused
 * connections, 5xx, rate limits); `permanent`: it never will as configured (4xx, bad credentials,
 * an address it rejects), so retrying only repeats the refusal.
 */
export type SendResult =
  | { outcome: 'ok'; exchange: Exchange }
  | { outcome: 'retryable' | 'permanent'; error: string; exchange: Exchange };

/**
 * A way to reach people. `send` never throws for anything the remote side or the network does:
 * it returns the failure with what was exchanged, so the outbox can record it and decide.
 */
export interface Channel {
  /** The name it has in the configuration (sms, email, wecom, ...). */
  readonly name: string;
  /** The address it sends to: the outbox resolves it before `send`, or gives up on the message. */
  readonly needs: AddressKind;
  send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult>;
}

/** `case-<caseId>-msg-<messageId>`. */
export function idempotencyKey(caseId: number, messageId: number): string {
  return `case-${caseId}-msg-${messageId}`;
}
