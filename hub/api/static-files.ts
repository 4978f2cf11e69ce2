import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The dashboard's files (hub/dashboard/static in the package), found from this module whether it
 * runs from the sources or from the build in dist/.
 */
export function dashboardDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'dashboard', 'static'), join(here, '..', '..', '..', 'hub', 'dashboard', 'static')];
  return candidates.find((d) => existsSync(join(d, 'index.html')));
}

/**
 * A file of the dashboard for a GET of `pathname`: `/` is index.html, anything else a file under
 * the directory (no way out of it, no directory listings). Undefined when there is no such file.
 */
export function staticFile(dir: string, pathname: string): { body: Buffer; contentType: string } | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return undefined;
  }
  if (rel.includes('\0')) return undefined;
  const path = normalize(join(dir, rel));
  if (!path.startsWith(dir + sep)) return undefined;
  const type = TYPES[extname(path)];
  if (type === undefined) return undefined;
  try {
    if (!statSync(path).isFile()) return undefined;
    return { body: readFileSync(path), contentType: type };
  } catch {
    return undefined;
  }
}
