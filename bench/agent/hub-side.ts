import { pino } from 'pino';
import { startAcker, type TestAcker } from '../../agent/publisher/test-acker.js';
import { startEmbeddedBroker } from '../../hub/broker/embedded-broker.js';

/** The hub's side of a benchmark: the embedded broker on loopback and the acking receiver. */
export interface HubSide {
  url: string;
  acker: TestAcker;
  close(): Promise<void>;
}

export async function startHubSide(): Promise<HubSide> {
  const broker = await startEmbeddedBroker();
  const acker = await startAcker({ url: broker.url, logger: pino({ level: 'silent' }) });
  return {
    url: broker.url,
    acker,
    close: async () => {
      await acker.close();
      await broker.close();
    },
  };
}
