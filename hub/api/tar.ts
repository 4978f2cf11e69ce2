import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BLOCK = 512;

/** A POSIX ustar header field: text, NUL-padded to `length`. */
function field(header: Buffer, offset: number, length: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > length) throw new Error(`tar: "${text}" does not fit in ${length} bytes`);
  bytes.copy(header, offset);
}

function octal(header: Buffer, offset: number, length: number, value: number): void {
  field(header, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function header(name: string, size: number, mtimeSeconds: number, directory: boolean): Buffer {
  const h = Buffer.alloc(BLOCK);
  // Names over 100 bytes go in the prefix field (up to 155 more), split at a slash.
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar: the path ${name} is too long`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  field(h, 0, 100, base);
  octal(h, 100, 8, directory ? 0o755 : 0o644);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtimeSeconds);
  h.fill(' ', 148, 156);
  field(h, 156, 1, directory ? '5' : '0');
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  field(h, 345, 155, prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/**
 * A directory as a POSIX ustar archive, its entries under `root/`, in name order (the same
 * directory gives the same archive). For handing an exported evidence bundle over HTTP:
 * `tar -xf` gives back the directory `rollcall evidence verify` reads.
 */
export function tarDirectory(dir: string, root: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (path: string, name: string): void => {
    const st = statSync(path);
    const mtime = Math.floor(st.mtimeMs / 1000);
    if (st.isDirectory()) {
      parts.push(header(`${name}/`, 0, mtime, true));
      for (const child of readdirSync(path).sort()) walk(join(path, child), `${name}/${child}`);
      return;
    }
    const body = readFileSync(path);
    parts.push(header(name, body.length, mtime, false), body);
    const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  };
  walk(dir, root);
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
