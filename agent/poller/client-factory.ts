import type { Logger } from 'pino';
import type { SerialBinding } from '../../protocols/transport/serial.js';
import { createTransport, parseTerminalUrl } from '../../protocols/transport/url.js';
import { ZkClient } from '../../protocols/zk/client/client.js';

export interface ClientFactoryOptions {
  /** Request timeout when the URL has no `timeout` parameter (ZkClient's default otherwise). */
  timeoutMs?: number;
  logger?: Logger;
  /** A serialport binding instead of the native one (tests, the simulator). */
  serialBinding?: SerialBinding;
}

/** A ZkClient for a terminal URL (`zk+tcp://`, `zk+udp://`, `zk+serial://`), comm key included. */
export function createZkClient(url: string, options: ClientFactoryOptions = {}): ZkClient {
  const endpoint = parseTerminalUrl(url);
  const transport = createTransport(endpoint, { serialBinding: options.serialBinding });
  return new ZkClient({
    transport,
    commKey: endpoint.commKey,
    timeoutMs: endpoint.timeoutMs ?? options.timeoutMs,
    logger: options.logger,
  });
}
