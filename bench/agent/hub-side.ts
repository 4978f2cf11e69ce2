import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { pino } from 'pino';
import { startAcker, type TestAcker } from '../../agent/publisher/test-acker.js';

/** The hub's side of a benchmark: an aedes broker on loopback (TCP_NODELAY, as the hub runs it) and the acking receiver. */
export interface HubSide {
  url: string;
  acker: TestAcker;
  close(): Promise<void>;
}

export async function startHubSide(): Promise<HubSide> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    // Without it Nagle's algorithm holds back the broker's small PUBACKs and acks.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  const url = `mqtt://127.0.0.1:${port}`;
  const acker = await startAcker({ url, logger: pino({ level: 'silent' }) });
  return {
    url,
    acker,
    close: async () => {
      await acker.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
