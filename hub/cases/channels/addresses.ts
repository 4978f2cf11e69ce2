import type { Employee } from '../../directory/types.js';
import type { Recipient } from '../policy-schema.js';
import type { Address, AddressKind, RecipientInfo } from './channel.js';
import type { NotificationConfig, RecipientContact } from './config.js';

/** The part of the directory the outbox reads. */
export interface ContactBook {
  getEmployee(id: string): Employee | undefined;
}

export type Resolved = { ok: true; recipient: RecipientInfo; address: Address } | { ok: false; reason: string };

/**
 * Who a message's role means and how the channel reaches them: employees and managers from the
 * directory, the emergency contact from the employee's entry (a phone number only), HR and the
 * union from the configuration's `recipients`. Read when the message is sent, not when it was
 * queued, so a phone number corrected in the meantime is the one used.
 */
export function resolveAddress(
  role: Recipient,
  recipientId: string | null,
  needs: AddressKind,
  book: ContactBook,
  recipients: NotificationConfig['recipients'],
): Resolved {
  const who = recipientInfo(role, recipientId, book, recipients);
  if (typeof who === 'string') return { ok: false, reason: who };
  const label = roleLabel(role);
  switch (needs) {
    case 'phone':
      return who.phone === null ? { ok: false, reason: `no phone number for ${label}` } : { ok: true, recipient: who, address: { kind: 'phone', phone: who.phone } };
    case 'email':
      return who.email === null ? { ok: false, reason: `no email address for ${label}` } : { ok: true, recipient: who, address: { kind: 'email', email: who.email } };
    case 'chat':
      // A bot posts to a company group: people outside the company are not in it.
      return role === 'emergency_contact' ? { ok: false, reason: 'an emergency contact is not in the company\'s chat groups' } : { ok: true, recipient: who, address: { kind: 'chat' } };
    case 'endpoint':
      return { ok: true, recipient: who, address: { kind: 'endpoint' } };
  }
}

function recipientInfo(role: Recipient, recipientId: string | null, book: ContactBook, recipients: NotificationConfig['recipients']): RecipientInfo | string {
  if (role === 'hr' || role === 'union') return fromContact(role, recipients[role]);
  if (recipientId === null) return `the message names no ${roleLabel(role)}`;
  const e = book.getEmployee(recipientId);
  if (e === undefined) return `${recipientId} is not in the directory`;
  if (role === 'emergency_contact') {
    const c = e.contacts.emergency;
    return { role, id: e.id, name: c.name, phone: c.phone, email: null, chatId: null };
  }
  return { role, id: e.id, name: e.name, phone: e.contacts.phone, email: e.contacts.email, chatId: e.contacts.chatId };
}

function fromContact(role: 'hr' | 'union', c: RecipientContact | null): RecipientInfo {
  return { role, id: null, name: c?.name ?? null, phone: c?.phone ?? null, email: c?.email ?? null, chatId: c?.chatId ?? null };
}

function roleLabel(role: Recipient): string {
  switch (role) {
    case 'employee':
      return 'the employee';
    case 'manager':
      return 'the manager';
    case 'emergency_contact':
      return 'the emergency contact';
    case 'hr':
      return 'HR (recipients.hr in the configuration)';
    case 'union':
      return 'the union (recipients.union in the configuration)';
  }
}
