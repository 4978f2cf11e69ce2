/**
 * The text of a PDF as a reader copying it gets it (pdf.js), with layout spaces removed and the
 * radical code points folded back: Chromium's text layer maps some CJK glyphs Noto CJK shares
 * with the Kangxi radicals and the CJK radicals supplement (小, 自, 月, 日, 门) to the radicals'
 * code points, which look the same. Only those ranges are folded, so punctuation stays as printed.
 */
export async function pdfText(bytes: Buffer): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true, verbosity: 0 }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    for (const item of content.items) if ('str' in item) text += item.str;
  }
  await doc.destroy();
  return text
    .replace(/\s+/g, '')
    .replace(/[\u2F00-\u2FDF]/g, (c) => c.normalize('NFKC'))
    .replace(/[\u2E80-\u2EFF]/g, (c) => SUPPLEMENT[c] ?? c);
}

/** The simplified forms of the radicals supplement (no Unicode decomposition) that Noto CJK shares glyphs with. */
const SUPPLEMENT: Record<string, string> = {
'\u2EC8': '讠', '\u2ED3': '长', '\u2EE2': '马', '\u2EDA': '页', '\u2EE9': '黄', '\u2EBD': '臼', '\u2EC5': '见', '\u2EC6': '角', '\u2EC9': '贝',
  '\u2ECB': '车', '\u2ED1': '長', '\u2ED4': '门', '\u2EDB': '风', '\u2EDC': '飞', '\u2EDD': '食', '\u2EE0': '饣', '\u2EE3': '骨', '\u2EE4': '鬼', '\u2EE5': '鱼',
  '\u2EE6': '鸟', '\u2EE7': '卤', '\u2EE8': '麦', '\u2EEB': '斉', '\u2EEC': '齐', '\u2EEE': '齿', '\u2EF0': '龙', '\u2EF3': '龟',
};
