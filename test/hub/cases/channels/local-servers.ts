import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutgoingMessage } from '../../../../hub/cases/channels/channel.js';
import { DEFAULT_RETRY, type ChannelLimits } from '../../../../hub/cases/channels/config.js';

export interface Received {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/** A real HTTP server on 127.0.0.1 that records what it receives and answers as told. */
export class HttpTarget {
  readonly received: Received[] = [];
  reply: (req: Received) => Reply = () => ({ status: 200, body: '{}' });

  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  static async start(reply?: (req: Received) => Reply): Promise<HttpTarget> {
    let target: HttpTarget | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        target!.received.push(r);
        const answer = target!.reply(r);
        if (answer === 'hang') return;
        res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = new HttpTarget(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (reply !== undefined) target.reply = reply;
    return target;
  }

  /** Answers every request with `reply` from now on. */
  answer(reply: Reply): void {
    this.reply = () => reply;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A URL on 127.0.0.1 where nothing listens: connections are refused. */
export async function refusedUrl(path = '/'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

export function limits(timeoutMs = 2000): ChannelLimits {
  return { timeoutMs, concurrency: 4, retry: DEFAULT_RETRY };
}

export const TEXT = '王小明，您好：系统未记录到您 2026-06-15 09:00 班次的打卡，也没有已批准的请假。请尽快到岗，或回复本消息说明情况。"引号" & <尖括号>\n第二行';

/** A message to 王小明 (E1) as the outbox hands it to a channel. */
export function message(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    messageId: 7,
    caseId: 3,
    idempotencyKey: 'case-3-msg-7',
    recipient: { role: 'employee', id: 'E1', name: '王小明', phone: '13800000011', email: 'wang@example.com', chatId: 'wangxm' },
    address: { kind: 'chat' },
    subject: '考勤提醒',
    text: TEXT,
    ...over,
  };
}

export const never = new AbortController().signal;
