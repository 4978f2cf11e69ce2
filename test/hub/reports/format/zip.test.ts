import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { zip } from '../../../../hub/reports/format/zip.js';
import { unzipTest, unzipWithPython } from './external.js';

const entries = [
  { name: 'readme.txt', data: Buffer.from('缺勤报表\n'.repeat(200), 'utf8') },
  { name: '报表/三月/缺勤.csv', data: Buffer.from('工号,姓名\r\n00123,张三\r\n', 'utf8') },
  { name: 'empty', data: Buffer.alloc(0) },
  { name: 'noise.bin', data: randomBytes(4096) },
];

/** The local header of the entry that starts at `offset`: method and flags. */
function localHeader(archive: Buffer, offset: number): { signature: number; flags: number; method: number; nameLength: number; compressedSize: number } {
  return {
    signature: archive.readUInt32LE(offset),
    flags: archive.readUInt16LE(offset + 6),
    method: archive.readUInt16LE(offset + 8),
    compressedSize: archive.readUInt32LE(offset + 18),
    nameLength: archive.readUInt16LE(offset + 26),
  };
}

describe('zip', () => {
  it('writes an archive that unzip -t and Python zipfile accept, with every entry byte for byte', () => {
    const archive = zip(entries);
    const report = unzipTest(archive);
    expect(report).toContain('No errors detected');
    expect(report).toContain('报表/三月/缺勤.csv');
    const files = unzipWithPython(archive);
    expect(Object.keys(files)).toEqual(entries.map((e) => e.name));
    for (const e of entries) expect(Buffer.from(files[e.name] ?? '', 'base64').equals(e.data)).toBe(true);
  });

  it('deflates what shrinks, stores what does not, and marks names as UTF-8', () => {
    const archive = zip(entries);
    const methods: number[] = [];
    let offset = 0;
    for (const e of entries) {
      const h = localHeader(archive, offset);
      expect(h.signature).toBe(0x04034b50);
      expect(h.flags & 0x0800).toBe(0x0800);
      methods.push(h.method);
      offset += 30 + h.nameLength + h.compressedSize;
    }
    // The CSV is too short for DEFLATE to win; the empty file and the noise cannot shrink.
    expect(methods).toEqual([8, 0, 0, 0]);
    expect(archive.readUInt32LE(offset)).toBe(0x02014b50);
    const end = archive.length - 22;
    expect(archive.readUInt32LE(end)).toBe(0x06054b50);
    expect(archive.readUInt16LE(end + 10)).toBe(entries.length);
    expect(archive.readUInt32LE(end + 16)).toBe(offset);
  });

  it('writes a valid empty archive', () => {
    const archive = zip([]);
    expect(archive.length).toBe(22);
    expect(unzipWithPython(archive)).toEqual({});
  });
});
