import { TextDecoder } from 'node:util';

/** Fixed-width, NUL-padded text fields as terminals store them. */
const decoders = new Map<string, TextDecoder>();

export type TextEncodingName = 'utf-8' | 'gbk' | 'gb18030' | 'latin1' | 'ascii';

export function decodeFixedText(buf: Uint8Array, start: number, length: number, encoding: TextEncodingName = 'utf-8'): string {
  let end = start;
  const limit = start + length;
  while (end < limit && buf[end] !== 0) end++;
  if (end === start) return '';
  if (encoding === 'utf-8' || encoding === 'latin1' || encoding === 'ascii') {
    const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    return b.toString(encoding === 'utf-8' ? 'utf8' : 'latin1', start, end);
  }
  let decoder = decoders.get(encoding);
  if (decoder === undefined) {
    decoder = new TextDecoder(encoding);
    decoders.set(encoding, decoder);
  }
  return decoder.decode(buf.subarray(start, end));
}

/** Writes `text` as UTF-8 into a NUL-padded field, cutting at a character boundary if too long. */
export function encodeFixedText(text: string, out: Buffer, start: number, length: number): void {
  out.fill(0, start, start + length);
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length > length) {
    let cut = length;
    while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
    bytes = bytes.subarray(0, cut);
  }
  bytes.copy(out, start);
}
