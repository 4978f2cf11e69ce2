import { ProtocolError } from '../../errors.js';
import { checksumMatches, computeChecksum } from '../checksum.js';
import { DEFAULT_MAX_PACKET_SIZE, HEADER_SIZE } from '../packet.js';
import { ByteQueue } from './byte-queue.js';
import type { DiscardEvent, FramerHandlers, FramerOptions, StreamFramer } from './types.js';

/**
 * Serial (RS232/RS485) framing, as one firmware family documents it:
 * `[DeviceID][DeviceID] 81 7E | u16 LE packet length | u16 prefix checksum`, then the packet.
 * The prefix checksum is the ZK checksum of the prefix's first six bytes, so a corrupt length is
 * caught before the framer waits for bytes that will never come. No open client speaks this
 * framing; it is our reading of the vendor's notes.
 */
export const SERIAL_PREFIX_SIZE = 8;
const SERIAL_MARK = Buffer.from([0x81, 0x7e]);
/** Largest packet a u16 length can describe. */
const SERIAL_MAX_PACKET = 0xffff;

export function serialPrefixChecksum(prefix: Uint8Array): number {
  const head = Buffer.alloc(8);
  head.set(prefix.subarray(0, 6));
  return computeChecksum(head, 6);
}

/** Wraps a packet for a serial line, addressed to (or from) `deviceId` (1..254). */
export function encodeSerialFrame(deviceId: number, packet: Uint8Array): Buffer {
  if (!Number.isInteger(deviceId) || deviceId < 1 || deviceId > 254) {
    throw new ProtocolError('INVALID_ARGUMENT', `serial device id must be 1..254, got ${deviceId}`);
  }
  if (packet.length > SERIAL_MAX_PACKET) {
    throw new ProtocolError('TOO_LARGE', `a serial frame holds at most ${SERIAL_MAX_PACKET} bytes, got ${packet.length}`);
  }
  const out = Buffer.allocUnsafe(SERIAL_PREFIX_SIZE + packet.length);
  out[0] = deviceId;
  out[1] = deviceId;
  out[2] = 0x81;
  out[3] = 0x7e;
  out.writeUInt16LE(packet.length, 4);
  out.writeUInt16LE(serialPrefixChecksum(out), 6);
  out.set(packet, SERIAL_PREFIX_SIZE);
  return out;
}

/** Streaming serial framer: same guarantees as the TCP framer, and reports each frame's device id. */
export class SerialFramer implements StreamFramer {
  private readonly queue = new ByteQueue();
  private readonly maxPacketSize: number;
  private readonly verify: boolean;
  private discarded = 0;

  constructor(
    private readonly handlers: FramerHandlers,
    options: FramerOptions = {},
  ) {
    this.maxPacketSize = Math.min(options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE, SERIAL_MAX_PACKET);
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
      if (!this.syncToPrefix()) return;
      if (this.queue.length < SERIAL_PREFIX_SIZE) return;
      const prefix = this.queue.peek(SERIAL_PREFIX_SIZE);
      if (prefix.readUInt16LE(6) !== serialPrefixChecksum(prefix)) {
        this.drop(1, 'CHECKSUM', 'bad serial prefix checksum');
        continue;
      }
      const length = prefix.readUInt16LE(4);
      const deviceId = prefix[0]!;
      if (length < HEADER_SIZE) {
        this.drop(1, 'MALFORMED', `serial frame length ${length} is shorter than a packet header`);
        continue;
      }
      if (length > this.maxPacketSize) {
        this.drop(1, 'TOO_LARGE', `serial frame length ${length} exceeds the limit of ${this.maxPacketSize}`);
        continue;
      }
      if (this.queue.length < SERIAL_PREFIX_SIZE + length) return;
      const frame = this.queue.peek(SERIAL_PREFIX_SIZE + length);
      const packet = frame.subarray(SERIAL_PREFIX_SIZE);
      if (this.verify && !checksumMatches(packet)) {
        this.drop(SERIAL_PREFIX_SIZE, 'CHECKSUM', `bad checksum in a ${length}-byte packet`);
        continue;
      }
      this.queue.skip(SERIAL_PREFIX_SIZE + length);
      this.handlers.onFrame(packet, { deviceId });
    }
  }

  /** Drops bytes until the queue starts with `id id 81 7E`; false when more input is needed. */
  private syncToPrefix(): boolean {
    let from = 0;
    for (;;) {
      const mark = this.queue.indexOf(SERIAL_MARK, from + 2);
      if (mark < 0) {
        const keep = Math.min(3, this.queue.length);
        const garbage = this.queue.length - keep;
        if (garbage > 0) this.drop(garbage, 'MALFORMED', `${garbage} bytes with no serial frame start`);
        return false;
      }
      const start = mark - 2;
      const id = this.queue.byteAt(start);
      if (id === this.queue.byteAt(start + 1) && id >= 1 && id <= 254) {
        if (start > 0) this.drop(start, 'MALFORMED', `${start} bytes before a serial frame start`);
        return true;
      }
      from = start + 1;
    }
  }

  private drop(bytes: number, code: DiscardEvent['code'], reason: string): void {
    this.queue.skip(bytes);
    this.discarded += bytes;
    this.handlers.onDiscard?.({ bytes, code, reason });
  }
}
