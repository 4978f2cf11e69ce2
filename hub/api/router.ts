import type { Route } from './route.js';

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'no-route' }
  | { kind: 'wrong-method'; allowed: string[] };

/** Turns `/api/v1/cases/{id}` into a pattern; a parameter matches one non-empty path segment. */
function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.path
    .split(/(\{[a-zA-Z]+\})/)
    .map((part) => {
      const name = /^\{([a-zA-Z]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(name);
      return '([^/]+)';
    })
    .join('');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** The API's routes by path and method; the first route listed wins where two patterns overlap. */
export class Router {
  private readonly compiled: Compiled[];

  constructor(readonly routes: readonly Route[]) {
    this.compiled = routes.map(compile);
    const seen = new Set<string>();
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) throw new Error(`route ${key} is listed twice`);
      seen.add(key);
    }
  }

  match(method: string, pathname: string): Match {
    const allowed: string[] = [];
    for (const c of this.compiled) {
      const m = c.pattern.exec(pathname);
      if (m === null) continue;
      if (c.route.method !== method) {
        allowed.push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      let decoded = true;
      c.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1] ?? '');
        } catch {
          decoded = false;
        }
      });
      if (!decoded) return { kind: 'no-route' };
      return { kind: 'found', route: c.route, params };
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'no-route' };
  }
}
