import type { DiscardEvent } from '../zk/framing/types.js';

export type TransportKind = 'tcp' | 'udp' | 'serial';

/** What a transport reports to the one client using it. */
export interface TransportHandlers {
  /** One whole ZK packet (header + data), already unframed and checksum-verified. */
  onPacket(packet: Buffer): void;
  /** Bytes the framer threw away (garbage, bad checksums). */
  onDiscard?(event: DiscardEvent): void;
  /** The link closed: by `close()` (no error) or by the peer or a failure (with the error). */
  onClose?(error?: Error): void;
}

/**
 * One link to one terminal. A transport frames outgoing packets and unframes incoming bytes; it
 * knows nothing of commands. The ZK client runs the same code over every transport.
 */
export interface Transport {
  readonly kind: TransportKind;
  /** Where it points, for logs (`tcp://10.0.0.5:4370`). */
  readonly describe: string;
  /** Chunk size to ask for in bulk reads over this link. */
  readonly chunkSize: number;
  open(handlers: TransportHandlers): Promise<void>;
  /** Sends one packet (header + data); resolves when handed to the OS. */
  send(packet: Buffer): Promise<void>;
  close(): Promise<void>;
  readonly isOpen: boolean;
}
