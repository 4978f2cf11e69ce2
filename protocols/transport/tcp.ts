import net from 'node:net';
import { ProtocolError } from '../errors.js';
import { TCP_CHUNK_SIZE, DEFAULT_PORT } from '../zk/commands.js';
import { TcpFramer, encodeTcpFrame } from '../zk/framing/tcp.js';
import type { FramerOptions } from '../zk/framing/types.js';
import type { Transport, TransportHandlers } from './types.js';

export interface TcpTransportOptions {
  host: string;
  port?: number;
  /** Give up connecting after this long (default 5000 ms). */
  connectTimeoutMs?: number;
  framer?: FramerOptions;
}

/** ZK over TCP: each packet behind `50 50 82 7D | u32 length`. */
export class TcpTransport implements Transport {
  readonly kind = 'tcp' as const;
  readonly chunkSize = TCP_CHUNK_SIZE;
  readonly describe: string;
  private socket: net.Socket | undefined;
  private closing = false;
  private readonly host: string;
  private readonly port: number;

  constructor(private readonly options: TcpTransportOptions) {
    this.host = options.host;
    this.port = options.port ?? DEFAULT_PORT;
    this.describe = `tcp://${this.host}:${this.port}`;
  }

  get isOpen(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  open(handlers: TransportHandlers): Promise<void> {
    if (this.isOpen) return Promise.reject(new ProtocolError('BUSY', `${this.describe} is already open`));
    const framer = new TcpFramer(
      { onFrame: (packet) => handlers.onPacket(packet), onDiscard: (e) => handlers.onDiscard?.(e) },
      this.options.framer,
    );
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
      this.socket = socket;
      this.closing = false;
      let connected = false;
      let failure: Error | undefined;
      const timer = setTimeout(() => {
        socket.destroy(new ProtocolError('TIMEOUT', `no TCP connection to ${this.describe} within ${this.connectTimeoutMs} ms`));
      }, this.connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        connected = true;
        socket.setKeepAlive(true, 10_000);
        resolve();
      });
      socket.on('data', (chunk: Buffer) => framer.push(chunk));
      socket.on('error', (err) => {
        failure = err instanceof ProtocolError ? err : new ProtocolError('TRANSPORT', `${this.describe}: ${err.message}`, { cause: err });
      });
      socket.once('close', () => {
        clearTimeout(timer);
        if (this.socket === socket) this.socket = undefined;
        if (!connected) {
          reject(failure ?? new ProtocolError('TRANSPORT', `${this.describe} closed before connecting`));
          return;
        }
        if (failure === undefined && !this.closing) {
          failure = new ProtocolError('CONNECTION_CLOSED', `${this.describe} closed the connection`);
        }
        handlers.onClose?.(failure);
      });
    });
  }

  send(packet: Buffer): Promise<void> {
    const socket = this.socket;
    if (socket === undefined || socket.destroyed) {
      return Promise.reject(new ProtocolError('NOT_CONNECTED', `${this.describe} is not open`));
    }
    return new Promise((resolve, reject) => {
      socket.write(encodeTcpFrame(packet), (err) => {
        if (err) reject(new ProtocolError('TRANSPORT', `${this.describe}: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  private get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? 5000;
  }
}
