import type { ProtocolErrorCode } from '../../errors.js';

/** Bytes a framer threw away, and why. */
export interface DiscardEvent {
  bytes: number;
  code: Extract<ProtocolErrorCode, 'MALFORMED' | 'CHECKSUM' | 'TOO_LARGE'>;
  reason: string;
}

export interface FrameMeta {
  /** Serial frames carry the device id they are addressed to or sent from. */
  deviceId?: number;
}

export interface FramerHandlers {
  /** A whole packet (header + data), checksum verified unless disabled. */
  onFrame(packet: Buffer, meta: FrameMeta): void;
  /** Bytes skipped while looking for the next good frame. */
  onDiscard?(event: DiscardEvent): void;
}

export interface FramerOptions {
  /** Largest packet accepted (header + data). Default 1 MiB. */
  maxPacketSize?: number;
  /** Verify each packet's checksum and drop bad ones (default true). */
  verifyChecksum?: boolean;
}

/** Turns a byte stream into packets and nothing else. */
export interface StreamFramer {
  push(chunk: Buffer): void;
  /** Forget buffered bytes (after a reconnect). */
  reset(): void;
  /** Bytes held waiting for the rest of a frame. */
  readonly buffered: number;
  /** All bytes discarded since creation. */
  readonly discardedBytes: number;
}
