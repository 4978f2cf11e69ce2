import { ProtocolError } from '../errors.js';

/**
 * Payloads of the buffered bulk read (DATA_WRRQ → DATA_RDY chunks → FREE_DATA) and the streaming
 * decoder for the dataset it delivers.
 */

/** Table selectors for DATA_WRRQ. */
export const BulkTable = {
  attendance: { command: 13, fct: 0, ext: 0 },
  users: { command: 9, fct: 5, ext: 0 },
} as const;

export interface BulkRequest {
  command: number;
  fct: number;
  ext: number;
}

/** DATA_WRRQ data: `i8 1 | i16 table command | i32 fct | i32 ext` (11 bytes). */
export function encodeBulkRequest(req: BulkRequest): Buffer {
  const buf = Buffer.alloc(11);
  buf.writeInt8(1, 0);
  buf.writeInt16LE(req.command, 1);
  buf.writeInt32LE(req.fct, 3);
  buf.writeInt32LE(req.ext, 7);
  return buf;
}

export function decodeBulkRequest(data: Uint8Array): BulkRequest {
  if (data.length < 11) throw new ProtocolError('TRUNCATED', `DATA_WRRQ needs 11 bytes, got ${data.length}`);
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { command: view.readInt16LE(1), fct: view.readInt32LE(3), ext: view.readInt32LE(7) };
}

/** ACK_OK data announcing a buffered dataset, as terminals send it: `00 | u32 size | u32 size | u32 0`. */
export function encodeDatasetReady(size: number): Buffer {
  const buf = Buffer.alloc(13);
  buf.writeUInt32LE(size, 1);
  buf.writeUInt32LE(size, 5);
  return buf;
}

export function decodeDatasetReady(data: Uint8Array): number {
  if (data.length < 5) throw new ProtocolError('TRUNCATED', `dataset announcement needs 5 bytes, got ${data.length}`);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).readUInt32LE(1);
}

/** DATA_RDY data: `i32 start | i32 size`. */
export function encodeChunkRequest(start: number, size: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeInt32LE(start, 0);
  buf.writeInt32LE(size, 4);
  return buf;
}

export function decodeChunkRequest(data: Uint8Array): { start: number; size: number } {
  if (data.length < 8) throw new ProtocolError('TRUNCATED', `DATA_RDY needs 8 bytes, got ${data.length}`);
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const start = view.readInt32LE(0);
  const size = view.readInt32LE(4);
  if (start < 0 || size < 0) throw new ProtocolError('MALFORMED', `DATA_RDY asks for ${size} bytes at ${start}`);
  return { start, size };
}

/** PREPARE_DATA data: `u32 size | u32 0` (exactly 8 bytes). */
export function encodePrepareData(size: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeUInt32LE(size, 0);
  return buf;
}

export function decodePrepareData(data: Uint8Array): number {
  if (data.length < 4) throw new ProtocolError('TRUNCATED', `PREPARE_DATA needs 4 bytes, got ${data.length}`);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).readUInt32LE(0);
}

/** Splits a dataset size into chunk requests of at most `chunkSize` bytes. */
export function planChunks(total: number, chunkSize: number): Array<{ start: number; size: number }> {
  if (chunkSize <= 0) throw new ProtocolError('INVALID_ARGUMENT', `chunk size must be positive, got ${chunkSize}`);
  const plan: Array<{ start: number; size: number }> = [];
  for (let start = 0; start < total; start += chunkSize) plan.push({ start, size: Math.min(chunkSize, total - start) });
  return plan;
}

export interface RecordStreamOptions<T> {
  /** Candidate record sizes, most likely first. */
  sizes: readonly number[];
  /** Record count the terminal reported (free sizes); picks the size when total ÷ count is exact. */
  expectedCount?: number;
  /** Forces a record size. */
  recordSize?: number;
  decode(buf: Buffer, offset: number, size: number): T;
  onRecord(record: T, index: number): void;
  /** Largest dataset accepted (bytes after the length prefix). */
  maxTotal?: number;
}

/**
 * Decodes a dataset (`u32 total` then fixed-size records) as its bytes arrive, so a caller never
 * holds the whole download: each record is handed out as soon as its last byte is in.
 */
export class RecordStream<T> {
  private header: Buffer | undefined = Buffer.alloc(0);
  private carry: Buffer = Buffer.alloc(0);
  private total = -1;
  private size = 0;
  private consumed = 0;
  private count = 0;

  constructor(private readonly options: RecordStreamOptions<T>) {}

  /** Bytes of records announced by the dataset's length prefix (-1 until known). */
  get totalBytes(): number {
    return this.total;
  }

  get recordSize(): number {
    return this.size;
  }

  get records(): number {
    return this.count;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.header !== undefined) {
      const need = 4 - this.header.length;
      this.header = Buffer.concat([this.header, data.subarray(0, need)]);
      data = data.subarray(need);
      if (this.header.length < 4) return;
      this.start(this.header.readUInt32LE(0));
      this.header = undefined;
    }
    if (data.length === 0) return;
    if (this.consumed + this.carry.length + data.length > this.total) {
      throw new ProtocolError('MALFORMED', `dataset holds more than the ${this.total} bytes it announced`);
    }
    if (this.carry.length > 0) {
      const need = this.size - this.carry.length;
      const piece = data.subarray(0, need);
      this.carry = Buffer.concat([this.carry, piece]);
      data = data.subarray(piece.length);
      if (this.carry.length < this.size) return;
      this.emit(this.carry, 0);
      this.carry = Buffer.alloc(0);
    }
    const whole = data.length - (data.length % this.size);
    for (let off = 0; off < whole; off += this.size) this.emit(data, off);
    if (whole < data.length) this.carry = Buffer.from(data.subarray(whole));
  }

  /** Call after the last chunk: throws TRUNCATED if the dataset ended early. */
  finish(): void {
    if (this.header !== undefined) {
      if (this.header.length === 0) return; // an empty dataset
      throw new ProtocolError('TRUNCATED', 'dataset ended inside its length prefix');
    }
    if (this.consumed !== this.total || this.carry.length > 0) {
      throw new ProtocolError('TRUNCATED', `dataset ended after ${this.consumed + this.carry.length} of ${this.total} bytes`);
    }
  }

  private start(total: number): void {
    const limit = this.options.maxTotal ?? 512 * 1024 * 1024;
    if (total > limit) throw new ProtocolError('TOO_LARGE', `dataset of ${total} bytes exceeds the limit of ${limit}`);
    this.total = total;
    this.size = this.options.recordSize ?? pickRecordSize(total, this.options.sizes, this.options.expectedCount);
  }

  private emit(buf: Buffer, offset: number): void {
    this.options.onRecord(this.options.decode(buf, offset, this.size), this.count);
    this.count++;
    this.consumed += this.size;
  }
}

/** The record size of a dataset: total ÷ count when exact and known, else the first candidate that divides it. */
export function pickRecordSize(total: number, sizes: readonly number[], expectedCount?: number): number {
  if (expectedCount !== undefined && expectedCount > 0 && total % expectedCount === 0) {
    const size = total / expectedCount;
    if (sizes.includes(size)) return size;
  }
  const size = sizes.find((s) => total % s === 0);
  if (size === undefined) {
    throw new ProtocolError('MALFORMED', `dataset of ${total} bytes is not a whole number of ${sizes.join('/')}-byte records`);
  }
  return size;
}
