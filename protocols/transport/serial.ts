import type { SerialPortStream } from '@serialport/stream';
import { ProtocolError } from '../errors.js';
import { SMALL_CHUNK_SIZE } from '../zk/commands.js';
import { SerialFramer, encodeSerialFrame } from '../zk/framing/serial.js';
import type { FramerOptions } from '../zk/framing/types.js';
import type { Transport, TransportHandlers } from './types.js';

/** A serialport binding: the native one, or @serialport/binding-mock in tests. */
export type SerialBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

export interface SerialTransportOptions {
  path: string;
  /** Line speed (default 115200). */
  baudRate?: number;
  /** The terminal's device id on the line (1..254, default 1); RS485 frames for others are ignored. */
  deviceId?: number;
  /** Serial binding; defaults to the native binding, loaded when the port is first opened. */
  binding?: SerialBinding;
  framer?: FramerOptions;
}

/** ZK over RS232/RS485: packets behind `[id][id] 81 7E | u16 length | u16 checksum`. */
export class SerialTransport implements Transport {
  readonly kind = 'serial' as const;
  readonly chunkSize = SMALL_CHUNK_SIZE;
  readonly describe: string;
  private port: SerialPortStream | undefined;
  private readonly deviceId: number;

  constructor(private readonly options: SerialTransportOptions) {
    this.deviceId = options.deviceId ?? 1;
    if (!Number.isInteger(this.deviceId) || this.deviceId < 1 || this.deviceId > 254) {
      throw new ProtocolError('INVALID_ARGUMENT', `serial device id must be 1..254, got ${this.deviceId}`);
    }
    this.describe = `serial://${options.path}?deviceId=${this.deviceId}`;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(handlers: TransportHandlers): Promise<void> {
    if (this.port !== undefined) throw new ProtocolError('BUSY', `${this.describe} is already open`);
    const binding = this.options.binding ?? (await loadNativeBinding());
    // Loaded on first use: a gateway with only network terminals never pays for the stream stack.
    const { SerialPortStream } = await import('@serialport/stream');
    const framer = new SerialFramer(
      {
        onFrame: (packet, meta) => {
          // On an RS485 bus other terminals' traffic is visible: keep only ours.
          if (meta.deviceId === this.deviceId) handlers.onPacket(packet);
        },
        onDiscard: (e) => handlers.onDiscard?.(e),
      },
      this.options.framer,
    );
    const port = new SerialPortStream({ binding, path: this.options.path, baudRate: this.options.baudRate ?? 115200, autoOpen: false });
    this.port = port;
    let failure: Error | undefined;
    port.on('data', (chunk: Buffer) => framer.push(chunk));
    port.on('error', (err: Error) => {
      failure = new ProtocolError('TRANSPORT', `${this.describe}: ${err.message}`, { cause: err });
    });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => {
        if (err) {
          this.port = undefined;
          reject(new ProtocolError('TRANSPORT', `cannot open ${this.options.path}: ${err.message}`, { cause: err }));
        } else resolve();
      });
    });
    port.once('close', () => {
      if (this.port === port) this.port = undefined;
      handlers.onClose?.(failure);
    });
  }

  send(packet: Buffer): Promise<void> {
    const port = this.port;
    if (port === undefined || !port.isOpen) return Promise.reject(new ProtocolError('NOT_CONNECTED', `${this.describe} is not open`));
    return new Promise((resolve, reject) => {
      port.write(encodeSerialFrame(this.deviceId, packet), (err) => {
        if (err) reject(new ProtocolError('TRANSPORT', `${this.describe}: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    const port = this.port;
    if (port === undefined || !port.isOpen) {
      this.port = undefined;
      return Promise.resolve();
    }
    return new Promise((resolve) => port.close(() => resolve()));
  }
}

async function loadNativeBinding(): Promise<SerialBinding> {
  try {
    const mod = await import('@serialport/bindings-cpp');
    return mod.autoDetect() as unknown as SerialBinding;
  } catch (err) {
    throw new ProtocolError('UNAVAILABLE', 'the native serial binding (@serialport/bindings-cpp) could not be loaded; reinstall with build tools present', {
      cause: err,
    });
  }
}
