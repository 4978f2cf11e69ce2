import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { TerminalSimulator, startTcpServer, type SimulatorOptions, type SimulatorServer } from '../../fixtures/sim/index.js';
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

/**
 * A simulated terminal served over TCP for one interop test file, with the npm clients' side effects
 * contained: their console chatter is silenced and they run in a temp working directory, which must
 * hold no `*.err.log` at the end. Registers its own beforeAll/afterAll.
 */
export function useInteropTerminal(prefix: string, options: SimulatorOptions): { readonly sim: TerminalSimulator; readonly port: number } {
  let sim: TerminalSimulator | undefined;
  let server: SimulatorServer | undefined;
  let cwd: ReturnType<typeof enterTempDir> | undefined;
  beforeAll(async () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(INTEROP_TZ);
    vi.spyOn(console, 'log').mockImplementation(() => undefined); // "ok tcp", "TCP connection successful"
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    cwd = enterTempDir(prefix);
    sim = new TerminalSimulator({ utcOffsetMinutes: INTEROP_OFFSET_MINUTES, faults: { eventResendMs: 0 }, ...options });
    server = await startTcpServer(sim, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    sim?.close();
    await server?.close();
    const leftovers = cwd?.leftovers() ?? [];
    cwd?.leave();
    vi.restoreAllMocks();
    expect(leftovers).toEqual([]);
  });
  return {
    get sim() {
      return sim!;
    },
    get port() {
      return server!.port;
    },
  };
}
