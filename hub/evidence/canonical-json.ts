import { HubError } from '../errors.js';

/** A value JSON can carry; what an evidence entry's data may hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * RFC 8785 (JSON Canonicalization Scheme): object keys sorted by UTF-16 code units, no whitespace,
 * numbers as ECMAScript prints them, strings escaped as JSON.stringify escapes them. The same value
 * always gives the same bytes, so a hash of those bytes can be recomputed by anyone with any JCS
 * implementation, years later.
 *
 * Anything JSON cannot carry faithfully is refused rather than silently changed: non-finite
 * numbers, undefined, functions, bigint, symbols, lone surrogates (I-JSON, which JCS requires),
 * cycles, and objects that are not plain (a Date or a Buffer would turn into something else).
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, '$', parts, new Set());
  return parts.join('');
}

function write(value: unknown, path: string, out: string[], ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(jsonString(value, path));
      return;
    case 'number':
      if (!Number.isFinite(value)) refuse(path, `the number ${String(value)} has no JSON form`);
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) {
        out.push('null');
        return;
      }
      break;
    default:
      refuse(path, `${typeof value} has no JSON form`);
  }
  if (ancestors.has(value)) refuse(path, 'the value contains itself');
  ancestors.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      // A hole reads as undefined and is refused like one.
      write(value[i], `${path}[${i}]`, out, ancestors);
    }
    out.push(']');
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'an object with a prototype';
      refuse(path, `a ${name} is not a plain object; convert it to a string, number or plain object first`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) refuse(path, 'symbol keys have no JSON form');
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order RFC 8785 asks for.
    const keys = Object.keys(record).sort();
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      out.push(jsonString(key, `${path} key`), ':');
      write(record[key], `${path}.${key}`, out, ancestors);
    });
    out.push('}');
  }
  ancestors.delete(value);
}

function jsonString(s: string, path: string): string {
  // With the u flag a well-formed pair is one code point, so only a lone surrogate matches.
  if (/\p{Cs}/u.test(s)) refuse(path, 'the string has a lone UTF-16 surrogate, which has no UTF-8 form');
  return JSON.stringify(s);
}

function refuse(path: string, why: string): never {
  throw new HubError('EVIDENCE', `cannot write canonical JSON at ${path}: ${why}`);
}
