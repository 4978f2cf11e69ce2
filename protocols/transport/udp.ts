import dgram from 'node:dgram';
import net from 'node:net';
import { ProtocolError } from '../errors.js';
import { DEFAULT_PORT, SMALL_CHUNK_SIZE } from '../zk/commands.js';
import { checksumMatches } from '../zk/checksum.js';
import { HEADER_SIZE } from '../zk/packet.js';
import type { Transport, TransportHandlers } from './types.js';

export interface UdpTransportOptions {
  host: string;
  port?: number;
  /** Verify checksums and drop bad datagrams (default true). */
  verifyChecksum?: boolean;
}

/** ZK over UDP: one bare packet per datagram. */
export class UdpTransport implements Transport {
  readonly kind = 'udp' as const;
  readonly chunkSize = SMALL_CHUNK_SIZE;
  readonly describe: string;
  private socket: dgram.Socket | undefined;
  private handlers: TransportHandlers | undefined;
  private readonly host: string;
  private readonly port: number;

  constructor(private readonly options: UdpTransportOptions) {
    this.host = options.host;
    this.port = options.port ?? DEFAULT_PORT;
    this.describe = `udp://${this.host}:${this.port}`;
  }

  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  open(handlers: TransportHandlers): Promise<void> {
    if (this.socket !== undefined) return Promise.reject(new ProtocolError('BUSY', `${this.describe} is already open`));
    const verify = this.options.verifyChecksum ?? true;
    const socket = dgram.createSocket(net.isIPv6(this.host) ? 'udp6' : 'udp4');
    this.socket = socket;
    this.handlers = handlers;
    socket.on('message', (msg: Buffer) => {
      if (msg.length < HEADER_SIZE) {
        handlers.onDiscard?.({ bytes: msg.length, code: 'MALFORMED', reason: `${msg.length}-byte datagram is shorter than a packet header` });
      } else if (verify && !checksumMatches(msg)) {
        handlers.onDiscard?.({ bytes: msg.length, code: 'CHECKSUM', reason: `bad checksum in a ${msg.length}-byte datagram` });
      } else {
        handlers.onPacket(msg);
      }
    });
    let opened = false;
    socket.on('error', (err) => {
      const wrapped = new ProtocolError('TRANSPORT', `${this.describe}: ${err.message}`, { cause: err });
      if (opened) {
        this.socket = undefined;
        socket.close();
        handlers.onClose?.(wrapped);
      }
    });
    return new Promise((resolve, reject) => {
      socket.once('error', (err) => {
        if (!opened) {
          this.socket = undefined;
          reject(new ProtocolError('TRANSPORT', `${this.describe}: ${err.message}`, { cause: err }));
        }
      });
      // connect() makes the OS drop datagrams from any other peer.
      socket.connect(this.port, this.host, () => {
        opened = true;
        resolve();
      });
    });
  }

  send(packet: Buffer): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return Promise.reject(new ProtocolError('NOT_CONNECTED', `${this.describe} is not open`));
    return new Promise((resolve, reject) => {
      socket.send(packet, (err) => {
        if (err) reject(new ProtocolError('TRANSPORT', `${this.describe}: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return Promise.resolve();
    this.socket = undefined;
    const handlers = this.handlers;
    this.handlers = undefined;
    return new Promise((resolve) =>
      socket.close(() => {
        handlers?.onClose?.();
        resolve();
      }),
    );
  }
}
