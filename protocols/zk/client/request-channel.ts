import type { Logger } from 'pino';
import { ProtocolError } from '../../errors.js';
import type { Transport } from '../../transport/types.js';
import { Command, commandName } from '../commands.js';
import type { DiscardEvent } from '../framing/types.js';
import { decodePacket, encodePacket, nextReplyId, type Packet } from '../packet.js';

/**
 * Decides what each reply packet to one request means. Return `true` when the request is
 * complete. Throwing fails the request.
 */
export type ReplyCollector = (packet: Packet) => boolean;

export interface RequestOptions {
  timeoutMs?: number;
  /** Resend the same request (same reply id) this many times on silence; the terminal caches replies. */
  retries?: number;
  /** Multi-packet replies (bulk chunks); default: the first reply completes the request. */
  collect?: ReplyCollector;
}

export interface ChannelEvents {
  /** An event packet (command 500) arrived; it has already been acknowledged. */
  onEvent(packet: Packet): void;
  onDiscard(event: DiscardEvent): void;
  onClose(error?: Error): void;
}

interface Pending {
  replyId: number;
  command: number;
  collect: ReplyCollector;
  replies: Packet[];
  resolve(replies: Packet[]): void;
  reject(err: Error): void;
  /** Restarts the silence timer (each reply packet counts as progress). */
  touch(): void;
}

/**
 * Request/reply over one transport: one request in flight at a time, replies matched by reply id,
 * stale replies ignored, event packets acknowledged and passed on, silence turned into TIMEOUT.
 */
export class RequestChannel {
  sessionId = 0;
  private replyId = 0;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private open = false;

  constructor(
    private readonly transport: Transport,
    private readonly logger: Logger,
    private readonly defaultTimeoutMs: number,
    private readonly events: ChannelEvents,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  async connect(): Promise<void> {
    this.sessionId = 0;
    this.replyId = 0;
    await this.transport.open({
      onPacket: (raw) => this.onPacket(raw),
      onDiscard: (e) => {
        this.logger.warn({ bytes: e.bytes, code: e.code }, `discarded bytes: ${e.reason}`);
        this.events.onDiscard(e);
      },
      onClose: (error) => this.onClose(error),
    });
    this.open = true;
  }

  async close(): Promise<void> {
    await this.transport.close();
    this.onClose();
  }

  /** Sends a request and waits for its reply packet(s). Requests run one after another. */
  request(command: number, data?: Uint8Array, options: RequestOptions = {}): Promise<Packet[]> {
    const run = this.queue.then(() => this.exchange(command, data, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Like `request`, for the usual single reply. */
  async call(command: number, data?: Uint8Array, options: RequestOptions = {}): Promise<Packet> {
    const replies = await this.request(command, data, options);
    return replies[replies.length - 1]!;
  }

  private async exchange(command: number, data: Uint8Array | undefined, options: RequestOptions): Promise<Packet[]> {
    if (!this.open) throw new ProtocolError('NOT_CONNECTED', `cannot send ${commandName(command)}: not connected to ${this.transport.describe}`);
    const replyId = this.replyId;
    this.replyId = nextReplyId(this.replyId);
    const packet = encodePacket(command, this.sessionId, replyId, data);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    let attemptsLeft = options.retries ?? 0;

    return new Promise<Packet[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        if (this.pending === pending) this.pending = undefined;
      };
      const onSilence = (): void => {
        if (attemptsLeft > 0 && pending.replies.length === 0) {
          attemptsLeft--;
          this.logger.debug({ command: commandName(command), replyId }, 'no reply, resending');
          pending.touch();
          this.transport.send(packet).catch((err: unknown) => pending.reject(err as Error));
          return;
        }
        pending.reject(
          new ProtocolError('TIMEOUT', `no reply to ${commandName(command)} from ${this.transport.describe} within ${timeoutMs} ms`, {
            details: { command, replyId, partialReplies: pending.replies.length },
          }),
        );
      };
      const pending: Pending = {
        replyId,
        command,
        collect: options.collect ?? (() => true),
        replies: [],
        resolve: (replies) => {
          finish();
          resolve(replies);
        },
        reject: (err) => {
          finish();
          reject(err);
        },
        touch: () => {
          clearTimeout(timer);
          timer = setTimeout(onSilence, timeoutMs);
        },
      };
      this.pending = pending;
      pending.touch();
      this.transport.send(packet).catch((err: unknown) => pending.reject(err as Error));
    });
  }

  private onPacket(raw: Buffer): void {
    let packet: Packet;
    try {
      packet = decodePacket(raw, { verifyChecksum: false }); // the transport verified it
    } catch (err) {
      this.logger.warn({ err }, 'undecodable packet');
      return;
    }
    if (packet.command === Command.REG_EVENT) {
      this.acknowledgeEvent(packet);
      this.events.onEvent(packet);
      return;
    }
    const pending = this.pending;
    if (pending === undefined || packet.replyId !== pending.replyId) {
      this.logger.debug({ command: commandName(packet.command), replyId: packet.replyId }, 'ignoring a reply to no outstanding request');
      return;
    }
    pending.replies.push(packet);
    pending.touch();
    let done: boolean;
    try {
      done = pending.collect(packet);
    } catch (err) {
      pending.reject(err as Error);
      return;
    }
    if (done) pending.resolve(pending.replies);
  }

  private acknowledgeEvent(event: Packet): void {
    const ack = encodePacket(Command.ACK_OK, this.sessionId, event.replyId);
    this.transport.send(ack).catch((err: unknown) => this.logger.warn({ err }, 'could not acknowledge an event'));
  }

  private onClose(error?: Error): void {
    if (!this.open) return;
    this.open = false;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(
      new ProtocolError('CONNECTION_CLOSED', `connection to ${this.transport.describe} closed during ${commandName(pending.command)}`, { cause: error }),
    );
    this.events.onClose(error);
  }
}
