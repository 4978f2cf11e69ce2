import { EventEmitter } from 'node:events';
import { pino, type Logger } from 'pino';
import { ProtocolError } from '../../errors.js';
import type { Transport } from '../../transport/types.js';
import { ATTENDANCE_RECORD_SIZES, decodeAttendance, type AttendanceRecord, type AttendanceRecordSize } from '../attendance.js';
import { BulkTable, RecordStream } from '../bulk.js';
import { deriveCommKey } from '../comm-key.js';
import { Command, EventFlag } from '../commands.js';
import { decodeAttendanceEvent, type AttendanceEvent } from '../events.js';
import type { DiscardEvent } from '../framing/types.js';
import { decodeFreeSizes, type FreeSizes } from '../free-sizes.js';
import { decodeOptionReply, decodeText, encodeOptionRequest, OptionKey } from '../options.js';
import type { Packet } from '../packet.js';
import type { TextEncodingName } from '../text.js';
import { decodeZkTime, encodeZkTime, type LocalDateTime } from '../time.js';
import { decodeUser, USER_RECORD_SIZES, type TerminalUser, type UserRecordSize } from '../users.js';
import { bulkRead, type BulkReadProgress } from './bulk-read.js';
import { expectReply, replyError } from './reply-errors.js';
import { RequestChannel } from './request-channel.js';

export interface ZkClientOptions {
  transport: Transport;
  /** The terminal's comm key (0 or absent: none). */
  commKey?: number;
  /** Silence allowed before a request fails with TIMEOUT (default 5000 ms). */
  timeoutMs?: number;
  /** Resends on silence; defaults to 2 over UDP and serial, 0 over TCP. */
  retries?: number;
  /** Encoding of names and user ids on the terminal (default utf-8; Chinese firmware may use gbk). */
  textEncoding?: TextEncodingName;
  logger?: Logger;
}

export interface DeviceInfo {
  serialNumber: string | undefined;
  firmware: string | undefined;
  platform: string | undefined;
  name: string | undefined;
  mac: string | undefined;
  fingerprintVersion: string | undefined;
}

export interface ReadProgress extends BulkReadProgress {
  records: number;
  expectedRecords: number;
}

export interface ReadOptions<T> {
  /** Each record as soon as it is decoded. */
  onRecord(record: T, index: number): void;
  onProgress?(progress: ReadProgress): void;
  signal?: AbortSignal;
}

export interface ReadSummary {
  records: number;
  recordSize: number;
  bytes: number;
}

export interface ZkClientEvents {
  attendance: [AttendanceEvent];
  /** A realtime event that could not be decoded (acknowledged anyway; a full read recovers it). */
  eventError: [ProtocolError, Packet];
  discard: [DiscardEvent];
  /** The link closed; `error` is set when it was not our doing. */
  close: [Error | undefined];
}

/**
 * A client for one ZK terminal over any transport. One connection at a time; after a close
 * (terminal restart, cable pulled) `connect()` starts a fresh session.
 */
export class ZkClient extends EventEmitter<ZkClientEvents> {
  readonly transport: Transport;
  private readonly logger: Logger;
  private readonly channel: RequestChannel;
  private readonly options: ZkClientOptions;
  private readonly retries: number;
  private connecting: Promise<void> | undefined;

  constructor(options: ZkClientOptions) {
    super();
    this.options = options;
    this.transport = options.transport;
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'zk-client', terminal: this.transport.describe });
    this.retries = options.retries ?? (this.transport.kind === 'tcp' ? 0 : 2);
    this.channel = new RequestChannel(this.transport, this.logger, options.timeoutMs ?? 5000, {
      onEvent: (packet) => this.onEvent(packet),
      onDiscard: (e) => this.emit('discard', e),
      onClose: (error) => {
        this.logger.info({ err: error }, 'disconnected');
        this.emit('close', error);
      },
    });
  }

  get isConnected(): boolean {
    return this.channel.isOpen;
  }

  get sessionId(): number {
    return this.channel.sessionId;
  }

  /** Opens the link, starts a session and authenticates with the comm key if the terminal asks. */
  connect(): Promise<void> {
    this.connecting ??= this.doConnect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    if (this.channel.isOpen) return;
    await this.channel.connect();
    try {
      const reply = await this.channel.call(Command.CONNECT, undefined, { retries: this.retries });
      this.channel.sessionId = reply.sessionId;
      if (reply.command === Command.ACK_UNAUTH) {
        const key = this.options.commKey ?? 0;
        const auth = await this.channel.call(Command.AUTH, deriveCommKey(key, reply.sessionId), { retries: this.retries });
        if (auth.command !== Command.ACK_OK) {
          throw new ProtocolError('UNAUTHORIZED', key === 0 ? 'terminal requires a comm key (add ?commkey=N to the URL)' : 'terminal refused the comm key', {
            details: { reply: auth.command },
          });
        }
      } else {
        expectReply(reply, 'CONNECT');
      }
      this.logger.info({ sessionId: reply.sessionId }, 'connected');
    } catch (err) {
      await this.channel.close().catch(() => undefined);
      throw err;
    }
  }

  /** Ends the session (EXIT) and closes the link. Safe to call when not connected. */
  async disconnect(): Promise<void> {
    if (!this.channel.isOpen) return;
    await this.channel.call(Command.EXIT, undefined, { timeoutMs: 1000 }).catch(() => undefined);
    await this.channel.close();
  }

  async getDeviceInfo(): Promise<DeviceInfo> {
    return {
      serialNumber: await this.readOption(OptionKey.SERIAL_NUMBER),
      firmware: await this.getFirmwareVersion(),
      platform: await this.readOption(OptionKey.PLATFORM),
      name: await this.readOption(OptionKey.DEVICE_NAME),
      mac: await this.readOption(OptionKey.MAC),
      fingerprintVersion: await this.readOption(OptionKey.FP_VERSION),
    };
  }

  /** An option's value, or undefined when the terminal does not have it (ACK_ERROR). */
  async readOption(key: string): Promise<string | undefined> {
    const reply = await this.command(Command.OPTIONS_RRQ, encodeOptionRequest(key));
    if (reply.command === Command.ACK_ERROR) return undefined;
    return decodeOptionReply(expectReply(reply, `OPTIONS_RRQ ${key}`).data, key).value;
  }

  async getFirmwareVersion(): Promise<string | undefined> {
    const reply = await this.command(Command.GET_VERSION);
    if (reply.command === Command.ACK_ERROR) return undefined;
    return decodeText(expectReply(reply, 'GET_VERSION').data);
  }

  async getFreeSizes(): Promise<FreeSizes> {
    const reply = expectReply(await this.command(Command.GET_FREE_SIZES), 'GET_FREE_SIZES');
    return decodeFreeSizes(reply.data);
  }

  async getTime(): Promise<LocalDateTime> {
    const reply = expectReply(await this.command(Command.GET_TIME), 'GET_TIME');
    if (reply.data.length < 4) throw new ProtocolError('TRUNCATED', `GET_TIME reply holds ${reply.data.length} bytes, 4 needed`);
    return decodeZkTime(reply.data.readUInt32LE(0));
  }

  /** Sets the terminal's wall clock (local time, no zone) and makes it take effect. */
  async setTime(time: LocalDateTime): Promise<void> {
    const data = Buffer.alloc(4);
    data.writeUInt32LE(encodeZkTime(time), 0);
    expectReply(await this.command(Command.SET_TIME, data), 'SET_TIME');
    await this.refreshData();
  }

  async refreshData(): Promise<void> {
    expectReply(await this.command(Command.REFRESHDATA), 'REFRESHDATA');
  }

  /** Locks the keypad and sensor (punches are refused) until `enableDevice`. */
  async disableDevice(): Promise<void> {
    expectReply(await this.command(Command.DISABLEDEVICE), 'DISABLEDEVICE');
  }

  async enableDevice(): Promise<void> {
    expectReply(await this.command(Command.ENABLEDEVICE), 'ENABLEDEVICE');
  }

  /** Deletes every attendance record on the terminal. Irreversible: callers gate it. */
  async clearAttendance(): Promise<void> {
    await this.disableDevice();
    try {
      expectReply(await this.command(Command.CLEAR_ATTLOG), 'CLEAR_ATTLOG');
      await this.refreshData();
    } finally {
      await this.enableDevice();
    }
  }

  /** Streams every stored attendance record. */
  async readAttendance(options: ReadOptions<AttendanceRecord>): Promise<ReadSummary> {
    const sizes = await this.getFreeSizes();
    const encoding = this.options.textEncoding;
    return this.readTable(BulkTable.attendance, ATTENDANCE_RECORD_SIZES, sizes.records, (buf, off, size) => decodeAttendance(buf, off, size as AttendanceRecordSize, encoding), options);
  }

  async getAttendance(): Promise<AttendanceRecord[]> {
    const out: AttendanceRecord[] = [];
    await this.readAttendance({ onRecord: (r) => out.push(r) });
    return out;
  }

  async readUsers(options: ReadOptions<TerminalUser>): Promise<ReadSummary> {
    const sizes = await this.getFreeSizes();
    const encoding = this.options.textEncoding;
    return this.readTable(BulkTable.users, USER_RECORD_SIZES, sizes.users, (buf, off, size) => decodeUser(buf, off, size as UserRecordSize, encoding), options);
  }

  async getUsers(): Promise<TerminalUser[]> {
    const out: TerminalUser[] = [];
    await this.readUsers({ onRecord: (u) => out.push(u) });
    return out;
  }

  /** Subscribes to realtime events (attendance by default); they arrive as 'attendance' events. */
  async startRealtime(mask: number = EventFlag.ATTLOG): Promise<void> {
    const data = Buffer.alloc(4);
    data.writeUInt32LE(mask >>> 0, 0);
    expectReply(await this.command(Command.REG_EVENT, data), 'REG_EVENT');
  }

  async stopRealtime(): Promise<void> {
    expectReply(await this.command(Command.REG_EVENT, Buffer.alloc(4)), 'REG_EVENT');
  }

  private async readTable<T>(
    table: { command: number; fct: number; ext: number },
    sizes: readonly number[],
    expectedCount: number,
    decode: (buf: Buffer, offset: number, size: number) => T,
    options: ReadOptions<T>,
  ): Promise<ReadSummary> {
    const stream = new RecordStream<T>({ sizes, expectedCount, decode, onRecord: options.onRecord });
    const bytes = await bulkRead(this.channel, table, {
      chunkSize: this.transport.chunkSize,
      retries: this.retries,
      signal: options.signal,
      onData: (piece) => stream.push(piece),
      onProgress: (p) => options.onProgress?.({ ...p, records: stream.records, expectedRecords: expectedCount }),
    });
    stream.finish();
    return { records: stream.records, recordSize: stream.recordSize, bytes };
  }

  /** Sends a command and returns its reply; ACK_UNAUTH becomes UNAUTHORIZED. */
  private async command(command: number, data?: Uint8Array): Promise<Packet> {
    const reply = await this.channel.call(command, data, { retries: this.retries });
    if (reply.command === Command.ACK_UNAUTH) throw replyError(reply, `command ${command}`);
    return reply;
  }

  private onEvent(packet: Packet): void {
    if ((packet.sessionId & EventFlag.ATTLOG) === 0) {
      this.logger.debug({ flags: packet.sessionId }, 'ignoring a non-attendance event');
      return;
    }
    try {
      this.emit('attendance', decodeAttendanceEvent(packet.data, this.options.textEncoding));
    } catch (err) {
      const error = err instanceof ProtocolError ? err : new ProtocolError('MALFORMED', String(err), { cause: err });
      this.logger.warn({ err: error, data: packet.data.toString('hex') }, 'undecodable attendance event');
      if (this.listenerCount('eventError') > 0) this.emit('eventError', error, packet);
    }
  }
}
