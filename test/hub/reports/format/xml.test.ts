import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../../../hub/reports/format/width.js';
import { escapeSpreadsheetText, escapeXml, stripForbiddenXml } from '../../../../hub/reports/format/xml.js';

describe('XML text', () => {
  it('escapes the five markup characters and keeps CR as a reference', () => {
    expect(escapeXml(`a & b < c > d " e ' f\r\ng\th`)).toBe('a &amp; b &lt; c &gt; d &quot; e &apos; f&#13;\ng\th');
  });

  it('drops control characters, U+FFFE/U+FFFF and lone surrogates, and keeps surrogate pairs', () => {
    expect(stripForbiddenXml('\u0000a\u0008\u000B\u000C\u000E\u001F\t\n\rb\uFFFE\uFFFF')).toBe('a\t\n\rb');
    expect(stripForbiddenXml('x\uD83D\uDE00y\uD83Dz\uDE00\uDE00\uD83D')).toBe('x\uD83D\uDE00yz');
  });

  it('writes a literal _xHHHH_ so that Excel does not decode it as a character', () => {
    expect(escapeSpreadsheetText('_x0041_ _X00e9_ _x12_ x0041_')).toBe('_x005F_x0041_ _X00e9_ _x12_ x0041_');
    expect(escapeSpreadsheetText('_x00e9_')).toBe('_x005F_x00e9_');
  });
});

describe('displayWidth', () => {
  it('counts CJK, kana, Hangul and fullwidth characters double and the rest single', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('张三')).toBe(4);
    expect(displayWidth('生产部A-1')).toBe(9);
    expect(displayWidth('ＡＢ，。')).toBe(8);
    expect(displayWidth('カナ한글')).toBe(8);
    expect(displayWidth('𠀀')).toBe(2);
    expect(displayWidth('é')).toBe(1);
  });

  it('measures text of several lines by its longest line', () => {
    expect(displayWidth('短\n很长的一行')).toBe(10);
  });
});
