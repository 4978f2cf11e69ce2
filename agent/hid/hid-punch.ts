import { formatLocal, formatUtcOffset, localFromDate } from '../../protocols/zk/time.js';
import type { HidReaderConfig } from '../config/schema.js';
import type { NewPunch } from '../store/outbox.js';

/** Verify mode of a card punch, as ZK terminals record it (1 fingerprint, 4 card, 15 face, 3 password). */
export const CARD_VERIFY = 4;

/** The userId a card stands for: its entry in the reader's `cards`, else the card number itself. */
export function userIdForCard(reader: Pick<HidReaderConfig, 'cards'>, card: string): string {
  const key = card.toUpperCase();
  return reader.cards?.get(key) ?? key;
}

/**
 * The punch a swipe makes: the reader's terminal id as deviceSerial, the swipe's wall-clock time
 * at the site's offset (whole seconds, like a terminal's log), the reader's configured state.
 */
export function hidPunch(
  reader: Pick<HidReaderConfig, 'terminal' | 'state' | 'cards'>,
  card: string,
  at: Date,
  utcOffsetMinutes: number,
): NewPunch {
  const localTime = formatLocal(localFromDate(at, utcOffsetMinutes));
  return {
    deviceSerial: reader.terminal,
    userId: userIdForCard(reader, card),
    localTime,
    at: `${localTime}${formatUtcOffset(utcOffsetMinutes)}`,
    state: reader.state,
    verify: CARD_VERIFY,
    workcode: 0,
    source: 'hid',
  };
}
