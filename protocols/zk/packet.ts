import { ProtocolError } from '../errors.js';
import { computeChecksum, checksumMatches } from './checksum.js';
import { commandName } from './commands.js';
import { assertUint, U16 } from './fields.js';

/** Size of the packet header: command, checksum, session id, reply id, each u16 LE. */
export const HEADER_SIZE = 8;
/** Default upper bound on a packet's size; anything larger is refused as TOO_LARGE. */
export const DEFAULT_MAX_PACKET_SIZE = 1024 * 1024;

/** A decoded packet (the part framing wraps). `data` may share memory with the input buffer. */
export interface Packet {
  command: number;
  checksum: number;
  sessionId: number;
  replyId: number;
  data: Buffer;
}

/** Builds a packet with a correct checksum. */
export function encodePacket(
  command: number,
  sessionId: number,
  replyId: number,
  data: Uint8Array = EMPTY,
): Buffer {
  assertUint('command', command, U16);
  assertUint('sessionId', sessionId, U16);
  assertUint('replyId', replyId, U16);
  const buf = Buffer.allocUnsafe(HEADER_SIZE + data.length);
  buf.writeUInt16LE(command, 0);
  buf.writeUInt16LE(0, 2);
  buf.writeUInt16LE(sessionId, 4);
  buf.writeUInt16LE(replyId, 6);
  buf.set(data, HEADER_SIZE);
  buf.writeUInt16LE(computeChecksum(buf), 2);
  return buf;
}

export interface DecodeOptions {
  /** Refuse packets whose checksum does not match (default true). */
  verifyChecksum?: boolean;
}

/**
 * Decodes one whole packet (header + data), as carried by a TCP frame, a UDP datagram or a serial
 * frame. Errors: TRUNCATED when shorter than a header, CHECKSUM when the checksum does not match.
 */
export function decodePacket(buf: Buffer, options: DecodeOptions = {}): Packet {
  if (buf.length < HEADER_SIZE) {
    throw new ProtocolError('TRUNCATED', `packet of ${buf.length} bytes is shorter than the 8-byte header`, {
      details: { length: buf.length },
    });
  }
  const packet: Packet = {
    command: buf.readUInt16LE(0),
    checksum: buf.readUInt16LE(2),
    sessionId: buf.readUInt16LE(4),
    replyId: buf.readUInt16LE(6),
    data: buf.subarray(HEADER_SIZE),
  };
  if (options.verifyChecksum !== false && !checksumMatches(buf)) {
    throw new ProtocolError(
      'CHECKSUM',
      `bad checksum on ${commandName(packet.command)} packet (got 0x${packet.checksum.toString(16)}, expected 0x${computeChecksum(buf).toString(16)})`,
      { details: { command: packet.command, replyId: packet.replyId } },
    );
  }
  return packet;
}

/** The next reply id after `id`: clients count up and wrap within 16 bits. */
export function nextReplyId(id: number): number {
  return (id + 1) & 0xffff;
}

const EMPTY = Buffer.alloc(0);
