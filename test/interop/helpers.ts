import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalDateTime } from '../../protocols/zk/index.js';

/**
 * node-zklib and zkteco-js build Dates with the local-time constructor of the process zone, so
 * interop tests pin TZ to the simulator's zone (UTC+8, no DST) and build the expected Dates the
 * same way.
 */
export const INTEROP_TZ = 'Asia/Shanghai';
export const INTEROP_OFFSET_MINUTES = 480;

export function localDate(t: LocalDateTime): Date {
  return new Date(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/**
 * Both clients append `DDMMYYYY.err.log` files to the working directory when they trip over input:
 * run them inside a temp dir. `leftovers()` lists any such file (none is expected).
 */
export function enterTempDir(prefix: string): { dir: string; leftovers(): string[]; leave(): void } {
  const previous = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.chdir(dir);
  return {
    dir,
    leftovers: () => readdirSync(dir).filter((f) => f.endsWith('.err.log')),
    leave: () => {
      process.chdir(previous);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
