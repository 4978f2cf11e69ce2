import { getHeapStatistics } from 'node:v8';

/** The most one punch can take in a PunchBatch: the contract's longest id, serial and user id, escaped. */
export const MAX_PUNCH_JSON_BYTES = 400;

/**
 * A warning when the publish window (batches sent and not yet acknowledged) could take more than a
 * quarter of the process's V8 heap limit, as on a gateway run with a small `--max-old-space-size`;
 * undefined when it fits. Each batch's payload stays in memory until the hub acknowledges it.
 */
export function inflightMemoryWarning(batchSize: number, maxInflightBatches: number, heapLimitBytes = getHeapStatistics().heap_size_limit): string | undefined {
  const punches = batchSize * maxInflightBatches;
  const worstBytes = punches * MAX_PUNCH_JSON_BYTES;
  if (worstBytes <= heapLimitBytes / 4) return undefined;
  const mb = (bytes: number): number => Math.ceil(bytes / 2 ** 20);
  return (
    `publish.batchSize x publish.maxInflightBatches = ${punches} punches can hold up to ${mb(worstBytes)} MB in flight, ` +
    `more than a quarter of this process's ${mb(heapLimitBytes)} MB heap limit: lower them, or raise node's --max-old-space-size`
  );
}
