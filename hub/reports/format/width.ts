/**
 * East Asian Wide and Fullwidth ranges (Unicode UAX #11, condensed): Hangul Jamo, CJK radicals,
 * punctuation, kana and ideographs, Yi, Hangul syllables, compatibility ideographs, vertical and
 * fullwidth forms, common emoji, and the supplementary ideograph planes. Each shows two columns wide.
 */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
  [0xa000, 0xa4cf], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60],
  [0xffe0, 0xffe6], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];
const ALL_NARROW = /^[\0-\u10ff]*$/;

/**
 * How many character cells text takes in a spreadsheet column: CJK and fullwidth count double;
 * for text of several lines, its longest line.
 */
export function displayWidth(text: string): number {
  if (text.includes('\n')) return text.split('\n').reduce((widest, line) => Math.max(widest, lineWidth(line)), 0);
  return lineWidth(text);
}

function lineWidth(text: string): number {
  if (ALL_NARROW.test(text)) return text.length;
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    width += WIDE.some(([lo, hi]) => cp >= lo && cp <= hi) ? 2 : 1;
  }
  return width;
}

/** Estimated widths stay within these, so one long remark does not push the rest off screen. */
export const MIN_ESTIMATED_WIDTH = 6;
export const MAX_ESTIMATED_WIDTH = 60;
/** Room for the bold header, the filter button HR may add, and cell padding. */
const PADDING = 2;

/** A column width (in Excel's character units) for content whose widest text is `widest` cells wide. */
export function estimatedWidth(widest: number): number {
  return Math.min(MAX_ESTIMATED_WIDTH, Math.max(MIN_ESTIMATED_WIDTH, widest + PADDING));
}
