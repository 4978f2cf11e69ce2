import { ProtocolError } from '../../errors.js';
import { encodeBulkRequest, encodeChunkRequest, decodeDatasetReady, decodePrepareData, planChunks, type BulkRequest } from '../bulk.js';
import { Command } from '../commands.js';
import type { Packet } from '../packet.js';
import { replyError } from './reply-errors.js';
import type { RequestChannel } from './request-channel.js';

export interface BulkReadProgress {
  receivedBytes: number;
  totalBytes: number;
}

export interface BulkReadOptions {
  chunkSize: number;
  timeoutMs?: number;
  /** Retries per chunk on silence (UDP and serial lose packets). */
  retries?: number;
  /** Gets the dataset's bytes in order, each piece once. */
  onData(piece: Buffer): void;
  onProgress?(progress: BulkReadProgress): void;
  signal?: AbortSignal;
}

/**
 * The buffered bulk read: DATA_WRRQ, then either the whole dataset in one DATA reply or an
 * announced size fetched chunk by chunk with DATA_RDY (PREPARE_DATA, DATA..., ACK_OK), then
 * FREE_DATA. A chunk is handed on only once complete, so a retried chunk never repeats bytes.
 */
export async function bulkRead(channel: RequestChannel, table: BulkRequest, options: BulkReadOptions): Promise<number> {
  const first = await channel.call(Command.DATA_WRRQ, encodeBulkRequest(table), { timeoutMs: options.timeoutMs, retries: options.retries });
  if (first.command === Command.DATA) {
    options.onData(first.data);
    options.onProgress?.({ receivedBytes: first.data.length, totalBytes: first.data.length });
    return first.data.length;
  }
  if (first.command !== Command.ACK_OK) throw replyError(first, 'DATA_WRRQ');
  const total = decodeDatasetReady(first.data);
  let received = 0;
  try {
    for (const chunk of planChunks(total, options.chunkSize)) {
      if (options.signal?.aborted) throw new ProtocolError('CONNECTION_CLOSED', 'bulk read aborted', { cause: options.signal.reason });
      const pieces = await readChunk(channel, chunk.start, chunk.size, options);
      for (const piece of pieces) options.onData(piece);
      received += chunk.size;
      options.onProgress?.({ receivedBytes: received, totalBytes: total });
    }
  } finally {
    if (channel.isOpen) await channel.call(Command.FREE_DATA, undefined, { timeoutMs: options.timeoutMs }).catch(() => undefined);
  }
  return total;
}

async function readChunk(channel: RequestChannel, start: number, size: number, options: BulkReadOptions): Promise<Buffer[]> {
  let attempts = (options.retries ?? 0) + 1;
  for (;;) {
    attempts--;
    try {
      return await requestChunk(channel, start, size, options.timeoutMs);
    } catch (err) {
      if (attempts <= 0 || !(err instanceof ProtocolError) || err.code !== 'TIMEOUT') throw err;
    }
  }
}

async function requestChunk(channel: RequestChannel, start: number, size: number, timeoutMs: number | undefined): Promise<Buffer[]> {
  const pieces: Buffer[] = [];
  let got = 0;
  let announced = -1;
  const collect = (packet: Packet): boolean => {
    switch (packet.command) {
      case Command.PREPARE_DATA:
        announced = decodePrepareData(packet.data);
        if (announced !== size) throw new ProtocolError('UNEXPECTED_REPLY', `asked for ${size} bytes at ${start}, terminal prepared ${announced}`);
        return false;
      case Command.DATA:
        got += packet.data.length;
        if (got > size) throw new ProtocolError('MALFORMED', `chunk at ${start} delivered ${got} bytes, ${size} asked`);
        pieces.push(packet.data);
        // Without PREPARE_DATA the terminal sends the chunk as one DATA and no ACK_OK.
        return announced < 0 && got === size;
      case Command.ACK_OK:
        if (got !== size) throw new ProtocolError('TRUNCATED', `chunk at ${start} ended after ${got} of ${size} bytes`);
        return true;
      default:
        throw replyError(packet, `DATA_RDY(${start}, ${size})`);
    }
  };
  await channel.request(Command.DATA_RDY, encodeChunkRequest(start, size), { timeoutMs, collect });
  return pieces;
}

