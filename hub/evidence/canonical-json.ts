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
  const w = new Writer();
  w.write(value);
  return w.out;
}

/**
 * Appends to one string; the path of the value being written is kept as a stack of segments and
 * put into words only when something is refused (entries are written by the hundred thousand).
 */
const LONE_SURROGATE = /\p{Cs}/u;

class Writer {
  out = '';
  private readonly path: Array<string | number> = [];
  private readonly ancestors = new Set<object>();

  write(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.out += this.string(value);
        return;
      case 'number':
        if (!Number.isFinite(value)) this.refuse(`the number ${String(value)} has no JSON form`);
        this.out += JSON.stringify(value);
        return;
      case 'boolean':
        this.out += value ? 'true' : 'false';
        return;
      case 'object':
        if (value === null) {
          this.out += 'null';
          return;
        }
        break;
      default:
        this.refuse(`${typeof value} has no JSON form`);
    }
    if (this.ancestors.has(value)) this.refuse('the value contains itself');
    this.ancestors.add(value);
    if (Array.isArray(value)) {
      this.out += '[';
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.out += ',';
        // A hole reads as undefined and is refused like one.
        this.path.push(i);
        this.write(value[i]);
        this.path.pop();
      }
      this.out += ']';
    } else {
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'an object with a prototype';
        this.refuse(`a ${name} is not a plain object; convert it to a string, number or plain object first`);
      }
      if (Object.getOwnPropertySymbols(value).length > 0) this.refuse('symbol keys have no JSON form');
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is the order RFC 8785 asks for.
      const keys = Object.keys(record).sort();
      this.out += '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (i > 0) this.out += ',';
        this.path.push(` key ${key}`);
        this.out += this.string(key);
        this.path.pop();
        this.out += ':';
        this.path.push(key);
        this.write(record[key]);
        this.path.pop();
      }
      this.out += '}';
    }
    this.ancestors.delete(value);
  }

  private string(s: string): string {
    // With the u flag a well-formed pair is one code point, so only a lone surrogate matches.
    if (LONE_SURROGATE.test(s)) this.refuse('the string has a lone UTF-16 surrogate, which has no UTF-8 form');
    return JSON.stringify(s);
  }

  private refuse(why: string): never {
    let at = '$';
    for (const part of this.path) at += typeof part === 'number' ? `[${part}]` : part.startsWith(' key ') ? ` key` : `.${part}`;
    throw new HubError('EVIDENCE', `cannot write canonical JSON at ${at}: ${why}`);
  }
}
