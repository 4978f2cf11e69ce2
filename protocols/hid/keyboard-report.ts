/**
 * USB badge readers that act as keyboards: they "type" the card number and press Enter. This
 * module decodes their HID boot keyboard input reports into card numbers; it knows nothing of
 * USB devices (see agent/hid/hid-reader.ts) or punches.
 *
 * A boot keyboard report is 8 bytes: [modifiers, reserved, key1..key6], each key a HID usage id
 * (USB HID Usage Tables, page 0x07), 0 for none. A report lists the keys held down at that
 * moment: a key appears in consecutive reports while held and all-zero keys mean "all released".
 * So a key counts once when it first appears, compared with the previous report.
 */

/** Keyboard usage ids (page 0x07) the decoder understands. */
export const Usage = {
  A: 0x04,
  F: 0x09,
  DIGIT_1: 0x1e,
  DIGIT_0: 0x27,
  ENTER: 0x28,
  KEYPAD_ENTER: 0x58,
  KEYPAD_1: 0x59,
  KEYPAD_0: 0x62,
  /** Every key slot reads 0x01 when too many keys are held (phantom state): the report says nothing. */
  ERROR_ROLL_OVER: 0x01,
} as const;

export interface CardReaderDecoderOptions {
  /** Longest card number; longer input is discarded up to the next Enter (default 20). */
  maxLength?: number;
  /** A pause longer than this between keystrokes discards the partial number (default 500 ms). */
  keystrokeTimeoutMs?: number;
}

/** The character a usage id types on a card reader: digits, hex letters (upper case), or none. */
export function usageToChar(usage: number): string | undefined {
  if (usage >= Usage.DIGIT_1 && usage <= Usage.DIGIT_0) return usage === Usage.DIGIT_0 ? '0' : String(usage - Usage.DIGIT_1 + 1);
  if (usage >= Usage.KEYPAD_1 && usage <= Usage.KEYPAD_0) return usage === Usage.KEYPAD_0 ? '0' : String(usage - Usage.KEYPAD_1 + 1);
  // Some readers print card numbers in hex; with or without shift, a..f are hex digits.
  if (usage >= Usage.A && usage <= Usage.F) return String.fromCharCode(0x41 + usage - Usage.A);
  return undefined;
}

const isEnter = (usage: number): boolean => usage === Usage.ENTER || usage === Usage.KEYPAD_ENTER;

/**
 * Turns a stream of boot keyboard reports into card numbers (digits, or upper-case hex). Keys
 * that type nothing a card number holds (track sentinels such as ";" and "?", shift, arrows)
 * are skipped. Never throws: any byte sequence is a report, however odd.
 */
export class CardReaderDecoder {
  private readonly maxLength: number;
  private readonly timeoutMs: number;
  private held = new Set<number>();
  private buffer = '';
  private overflowed = false;
  private lastKeyAt = -Infinity;

  constructor(options: CardReaderDecoderOptions = {}) {
    this.maxLength = Math.max(1, Math.floor(options.maxLength ?? 20));
    this.timeoutMs = Math.max(1, options.keystrokeTimeoutMs ?? 500);
  }

  /**
   * Feeds one input report received at `atMs` (a monotonic or wall-clock time in ms); returns a
   * card number when this report completes one (its Enter key went down).
   */
  push(report: Uint8Array | readonly number[], atMs: number): string | undefined {
    const keys = reportKeys(report);
    if (keys === undefined) return undefined; // roll-over: which keys are down is unknown
    let card: string | undefined;
    const now = new Set(keys);
    for (const usage of now) {
      if (this.held.has(usage)) continue; // still held from the previous report
      const done = this.keyDown(usage, atMs);
      card ??= done;
    }
    this.held = now;
    return card;
  }

  /** Forgets partial input and held keys (after the device was reopened). */
  reset(): void {
    this.held.clear();
    this.clear();
  }

  /** Characters typed so far towards the next card number. */
  get pending(): string {
    return this.buffer;
  }

  private keyDown(usage: number, atMs: number): string | undefined {
    // Non-finite or backwards times cannot prove staleness: treat them as "no pause".
    if (atMs - this.lastKeyAt > this.timeoutMs) this.clear();
    this.lastKeyAt = atMs;
    if (isEnter(usage)) {
      const card = this.overflowed || this.buffer === '' ? undefined : this.buffer;
      this.clear();
      return card;
    }
    const ch = usageToChar(usage);
    if (ch === undefined || this.overflowed) return undefined;
    if (this.buffer.length >= this.maxLength) {
      this.overflowed = true;
      this.buffer = '';
      return undefined;
    }
    this.buffer += ch;
    return undefined;
  }

  private clear(): void {
    this.buffer = '';
    this.overflowed = false;
  }
}

/**
 * The keys down in a report, in slot order; undefined for a roll-over report. Accepts the
 * 8-byte boot report and a 9-byte report led by a report id; shorter reports are read as far
 * as they go.
 */
export function reportKeys(report: Uint8Array | readonly number[]): number[] | undefined {
  const start = report.length === 9 ? 3 : 2;
  const keys: number[] = [];
  let rollOver = false;
  for (let i = start; i < Math.min(report.length, start + 6); i++) {
    const usage = Number(report[i]) & 0xff;
    if (usage === Usage.ERROR_ROLL_OVER) rollOver = true;
    else if (usage !== 0) keys.push(usage);
  }
  return rollOver ? undefined : keys;
}
