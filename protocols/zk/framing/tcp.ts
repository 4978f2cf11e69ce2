import { ProtocolError } from '../../errors.js';
import { checksumMatches } from '../checksum.js';
import { DEFAULT_MAX_PACKET_SIZE, HEADER_SIZE } from '../packet.js';
import { ByteQueue } from './byte-queue.js';
import type { DiscardEvent, FramerHandlers, FramerOptions, StreamFramer } from './types.js';

/** Every TCP frame starts with these four bytes, then a u32 LE length of the packet. */
export const TCP_MAGIC = Buffer.from([0x50, 0x50, 0x82, 0x7d]);
export const TCP_PREFIX_SIZE = 8;

/** Wraps a packet for TCP. */
export function encodeTcpFrame(packet: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(TCP_PREFIX_SIZE + packet.length);
  TCP_MAGIC.copy(out, 0);
  out.writeUInt32LE(packet.length, 4);
  out.set(packet, TCP_PREFIX_SIZE);
  return out;
}

/**
 * Streaming TCP framer: survives frames split across chunks, several frames in one chunk,
 * leading garbage and bad checksums (the frame is dropped and the search resumes).
 */
export class TcpFramer implements StreamFramer {
  private readonly queue = new ByteQueue();
  private readonly maxPacketSize: number;
  private readonly verify: boolean;
  private discarded = 0;

  constructor(
    private readonly handlers: FramerHandlers,
    options: FramerOptions = {},
  ) {
    this.maxPacketSize = options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE;
    this.verify = options.verifyChecksum ?? true;
  }

  get buffered(): number {
    return this.queue.length;
  }

  get discardedBytes(): number {
    return this.discarded;
  }

  reset(): void {
    this.queue.clear();
  }

  push(chunk: Buffer): void {
    this.queue.push(chunk);
    for (;;) {
      if (!this.syncToMagic()) return;
      if (this.queue.length < TCP_PREFIX_SIZE) return;
      const length = this.queue.peek(TCP_PREFIX_SIZE).readUInt32LE(4);
      if (length < HEADER_SIZE) {
        this.drop(1, 'MALFORMED', `frame length ${length} is shorter than a packet header`);
        continue;
      }
      if (length > this.maxPacketSize) {
        this.drop(1, 'TOO_LARGE', `frame length ${length} exceeds the limit of ${this.maxPacketSize}`);
        continue;
      }
      if (this.queue.length < TCP_PREFIX_SIZE + length) return;
      const frame = this.queue.peek(TCP_PREFIX_SIZE + length);
      const packet = frame.subarray(TCP_PREFIX_SIZE);
      if (this.verify && !checksumMatches(packet)) {
        // The length may be what is corrupt: resume the search right after this magic.
        this.drop(TCP_MAGIC.length, 'CHECKSUM', `bad checksum in a ${length}-byte packet`);
        continue;
      }
      this.queue.skip(TCP_PREFIX_SIZE + length);
      this.handlers.onFrame(packet, {});
    }
  }

  /** Drops bytes before the next magic; false when more input is needed to find one. */
  private syncToMagic(): boolean {
    if (this.queue.length === 0) return false;
    const at = this.queue.indexOf(TCP_MAGIC);
    if (at === 0) return true;
    if (at > 0) {
      this.drop(at, 'MALFORMED', `${at} bytes before a frame start`);
      return true;
    }
    // Keep a possible partial magic at the end.
    const keep = Math.min(TCP_MAGIC.length - 1, this.queue.length);
    const garbage = this.queue.length - keep;
    if (garbage > 0) this.drop(garbage, 'MALFORMED', `${garbage} bytes with no frame start`);
    return false;
  }

  private drop(bytes: number, code: DiscardEvent['code'], reason: string): void {
    this.queue.skip(bytes);
    this.discarded += bytes;
    this.handlers.onDiscard?.({ bytes, code, reason });
  }
}

/** Strict one-shot decode of a single TCP frame (for tests and captures). */
export function decodeTcpFrame(buf: Buffer, maxPacketSize = DEFAULT_MAX_PACKET_SIZE): Buffer {
  if (buf.length < TCP_PREFIX_SIZE) {
    throw new ProtocolError('TRUNCATED', `TCP frame of ${buf.length} bytes is shorter than its 8-byte prefix`);
  }
  if (!buf.subarray(0, 4).equals(TCP_MAGIC)) {
    throw new ProtocolError('MALFORMED', `TCP frame does not start with 50 50 82 7D`);
  }
  const length = buf.readUInt32LE(4);
  if (length > maxPacketSize) {
    throw new ProtocolError('TOO_LARGE', `TCP frame length ${length} exceeds the limit of ${maxPacketSize}`);
  }
  if (buf.length < TCP_PREFIX_SIZE + length) {
    throw new ProtocolError('TRUNCATED', `TCP frame declares ${length} bytes but holds ${buf.length - TCP_PREFIX_SIZE}`);
  }
  if (buf.length > TCP_PREFIX_SIZE + length) {
    throw new ProtocolError('MALFORMED', `TCP frame has ${buf.length - TCP_PREFIX_SIZE - length} bytes after its packet`);
  }
  return buf.subarray(TCP_PREFIX_SIZE);
}
