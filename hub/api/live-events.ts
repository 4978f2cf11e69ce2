import type { ServerResponse } from 'node:http';
import type { Route } from './route.js';

/** What changed, without saying what it was: a page told `cases` reloads its cases under its own role. */
export type LiveTopic = 'no-shows' | 'cases' | 'terminals';

/** Beat so proxies keep the stream open and a dead client is noticed. */
const HEARTBEAT_MS = 15_000;
/** Streams one hub serves at once; past it a new one is refused (the page falls back to reloading by hand). */
const MAX_STREAMS = 500;

/**
 * Live updates for the dashboard as server-sent events. Parts of the hub say what changed
 * (`publish`); every open stream is told, at most once per topic per `coalesceMs`, since a
 * detection run can change ten thousand rows and a page needs one nudge to reload.
 */
export class LiveEvents {
  private readonly streams = new Set<ServerResponse>();
  private readonly pending = new Map<LiveTopic, NodeJS.Timeout>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly coalesceMs = 250) {
    this.heartbeat = setInterval(() => this.write(': beat\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  publish(topic: LiveTopic): void {
    if (this.pending.has(topic) || this.streams.size === 0) return;
    const timer = setTimeout(() => {
      this.pending.delete(topic);
      this.write(`event: ${topic}\ndata: ${JSON.stringify({ at: Date.now() })}\n\n`);
    }, this.coalesceMs);
    timer.unref();
    this.pending.set(topic, timer);
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  route(): Route {
    return {
      method: 'GET', path: '/api/v1/events', access: 'signed-in', tag: 'overview', produces: 'event-stream',
      summary: 'Server-sent events: `no-shows`, `cases` and `terminals` when those change (reload what the page shows)',
      handle: (ctx) => {
        if (this.streams.size >= MAX_STREAMS) return { status: 503, json: { error: { code: 'BUSY', message: 'too many live pages are open', problems: [] } } };
        const res = ctx.res;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        res.write('retry: 3000\n: connected\n\n');
        this.streams.add(res);
        const drop = (): void => void this.streams.delete(res);
        ctx.req.on('close', drop);
        res.on('close', drop);
        return undefined;
      },
    };
  }

  private write(text: string): void {
    for (const res of this.streams) {
      if (res.writableEnded || res.destroyed) this.streams.delete(res);
      else res.write(text);
    }
  }
}
