import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HubError } from '../../errors.js';

/** Names Chromium goes by on Linux distributions and in Google's packages. */
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The Chromium to print with: `path` when given, else the first of the usual names on PATH. */
export function findChromium(path?: string): string {
  if (path !== undefined) {
    if (!executable(path)) throw new HubError('DOCUMENT', `cannot run ${path} to print notices to PDF; point cases.chromiumPath at a Chromium or Chrome executable`);
    return path;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of CANDIDATES) {
      const candidate = join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  throw new HubError('DOCUMENT', 'no Chromium to print notices to PDF: install it (Debian: apt-get install chromium fonts-noto-cjk) or set cases.chromiumPath');
}

/**
 * Prints HTML to an A4 PDF with headless Chromium, which lays out Chinese text with the system's
 * CJK fonts (Noto CJK on Debian: fonts-noto-cjk) exactly as the HTML shows it. One process per
 * notice, with its own throwaway profile; a few notices a day do not need a browser kept running.
 */
export function pdfPrinter(options: { chromium?: string; timeoutMs?: number } = {}): (html: string) => Promise<Buffer> {
  const chromium = findChromium(options.chromium);
  const timeoutMs = options.timeoutMs ?? 60_000;
  return async (html) => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-notice-'));
    try {
      const page = join(dir, 'notice.html');
      const out = join(dir, 'notice.pdf');
      writeFileSync(page, html, 'utf8');
      const args = [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
        `--user-data-dir=${join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${out}`, pathToFileURL(page).href,
      ];
      const stderr = await run(chromium, args, timeoutMs);
      let pdf: Buffer;
      try {
        pdf = readFileSync(out);
      } catch {
        throw new HubError('DOCUMENT', `Chromium wrote no PDF: ${lastLines(stderr)}`);
      }
      if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new HubError('DOCUMENT', 'Chromium wrote something that is not a PDF');
      return pdf;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new HubError('DOCUMENT', `cannot start ${command}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stderr);
      else reject(new HubError('DOCUMENT', `Chromium ${signal === 'SIGKILL' ? `did not finish within ${timeoutMs} ms` : `exited with ${code ?? signal}`}: ${lastLines(stderr)}`));
    });
  });
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Chromium's last lines of complaint, without its routine D-Bus noise. */
function lastLines(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.includes('dbus'));
  return lines.slice(-3).join(' | ') || '(nothing on stderr)';
}
