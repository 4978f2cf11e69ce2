import { crc32, deflateRawSync } from 'node:zlib';
import { HubError } from '../../errors.js';

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive with `/` separators, stored as UTF-8. */
  name: string;
  data: Buffer;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** 2.0: the version that introduced DEFLATE; enough for every reader. */
const VERSION = 20;
/**
 * "Made by" Unix (host 3), version 2.0. With host MS-DOS, Info-ZIP `unzip` ignores the UTF-8 flag
 * and shows Chinese names as code page 437; with Unix it does not, and applies the mode below.
 */
const MADE_BY = (3 << 8) | VERSION;
/** External attributes under a Unix host: a regular file, rw-r--r--. */
const FILE_MODE = (0o100644 << 16) >>> 0;
/** General purpose flag bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
const STORED = 0;
const DEFLATED = 8;
/**
 * Every entry is dated 1980-01-01 00:00 (the MS-DOS epoch, date word 0x0021), so the same table
 * always gives the same bytes and the same hash, e.g. when a report is kept as evidence.
 */
const DOS_DATE = 0x0021;
const DOS_TIME = 0;
/** Without ZIP64 every size, offset and count must fit the classic fields. */
const MAX_UINT32 = 0xffff_ffff;
const MAX_ENTRIES = 0xffff;

/**
 * A ZIP archive (APPNOTE 6.3, no ZIP64) of the entries: each deflated unless that does not make it
 * smaller, with CRC-32, local headers, a central directory and the end record. Throws
 * HubError('REPORT') when the archive would need ZIP64 (4 GiB, 65,535 entries).
 */
export function zip(entries: readonly ZipEntry[]): Buffer {
  if (entries.length > MAX_ENTRIES) throw new HubError('REPORT', `a ZIP archive holds at most ${MAX_ENTRIES} entries, not ${entries.length}`);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (entry.data.length > MAX_UINT32 || offset > MAX_UINT32) {
      throw new HubError('REPORT', `"${entry.name}" does not fit a ZIP archive without ZIP64 (over 4 GiB); make the report smaller`);
    }
    const name = Buffer.from(entry.name, 'utf8');
    const deflated = deflateRawSync(entry.data);
    const [method, body] = deflated.length < entry.data.length ? [DEFLATED, deflated] : [STORED, entry.data];
    const fields: HeaderFields = { name, method, crc: crc32(entry.data), compressedSize: body.length, size: entry.data.length };
    const local = localHeader(fields);
    central.push(centralHeader(fields, offset));
    parts.push(local, body);
    offset += local.length + body.length;
  }
  const directory = Buffer.concat(central);
  if (offset > MAX_UINT32) throw new HubError('REPORT', 'the archive does not fit a ZIP file without ZIP64 (over 4 GiB); make the report smaller');
  return Buffer.concat([...parts, directory, endRecord(entries.length, directory.length, offset)]);
}

interface HeaderFields {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
}

function localHeader(f: HeaderFields): Buffer {
  const b = Buffer.alloc(30 + f.name.length);
  b.writeUInt32LE(LOCAL_HEADER, 0);
  b.writeUInt16LE(VERSION, 4);
  b.writeUInt16LE(UTF8_NAMES, 6);
  b.writeUInt16LE(f.method, 8);
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  b.writeUInt32LE(f.crc, 14);
  b.writeUInt32LE(f.compressedSize, 18);
  b.writeUInt32LE(f.size, 22);
  b.writeUInt16LE(f.name.length, 26);
  b.writeUInt16LE(0, 28); // extra field length
  f.name.copy(b, 30);
  return b;
}

function centralHeader(f: HeaderFields, localOffset: number): Buffer {
  const b = Buffer.alloc(46 + f.name.length);
  b.writeUInt32LE(CENTRAL_HEADER, 0);
  b.writeUInt16LE(MADE_BY, 4);
  b.writeUInt16LE(VERSION, 6); // needed to extract
  b.writeUInt16LE(UTF8_NAMES, 8);
  b.writeUInt16LE(f.method, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(f.crc, 16);
  b.writeUInt32LE(f.compressedSize, 20);
  b.writeUInt32LE(f.size, 24);
  b.writeUInt16LE(f.name.length, 28);
  // Extra field length, comment length, disk number and internal attributes stay 0.
  b.writeUInt32LE(FILE_MODE, 38);
  b.writeUInt32LE(localOffset, 42);
  f.name.copy(b, 46);
  return b;
}

function endRecord(count: number, directorySize: number, directoryOffset: number): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  // Disk numbers at 4 and 6 stay 0: a single-file archive.
  b.writeUInt16LE(count, 8);
  b.writeUInt16LE(count, 10);
  b.writeUInt32LE(directorySize, 12);
  b.writeUInt32LE(directoryOffset, 16);
  // Comment length at 20 stays 0.
  return b;
}
