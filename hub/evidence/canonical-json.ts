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
 *
 * Entries are written by the hundred thousand, so the usual value takes a fast path: one pass
 * copies it with every object's keys inserted in sorted order, and the engine's JSON.stringify,
 * which prints keys in insertion order and escapes and prints numbers exactly as RFC 8785 asks,
 * writes the copy. What that pass cannot vouch for goes to the reference writer, which gives the
 * same bytes and is the one place that puts a refusal into words.
 */
export function canonicalJson(value: unknown): string {
  return canonicalJsonIfFast(value) ?? canonicalJsonByWriter(value);
}

/**
 * The fast path alone: the canonical text of a value it can vouch for, else undefined (a value to
 * refuse, or one only the writer orders right). For a caller that embeds the text in a larger
 * canonical value and so must have the refusal worded from the larger value's root.
 */
export function canonicalJsonIfFast(value: unknown): string | undefined {
  const copy = sortedCopy(value, 0);
  return copy === NOT_FAST ? undefined : JSON.stringify(copy);
}

/**
 * The reference writer: walks the value itself, appending as it goes, and names the path of
 * anything it refuses. Slower than `canonicalJson`, which must give the same bytes and refusals.
 */
export function canonicalJsonByWriter(value: unknown): string {
  const w = new Writer();
  w.write(value);
  return w.out;
}

/** What `sortedCopy` returns for a value the fast path leaves to the writer. */
const NOT_FAST: unique symbol = Symbol('not fast');

/**
 * Deeper than this the fast path gives up. It stands in for a set of ancestors: a cycle recurses
 * until it gets here, and the writer then finds and names the cycle.
 */
const MAX_FAST_DEPTH = 200;

/** `String.prototype.isWellFormed` (ES2024; Node 20 has it, the ES2023 typings do not). */
const isWellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed;

/** The canonical text of a string the fast path would take (one without a lone surrogate), else undefined. */
export function canonicalStringIfFast(value: string): string | undefined {
  return isWellFormed.call(value) ? JSON.stringify(value) : undefined;
}

/**
 * A copy of `value` that JSON.stringify writes in canonical form, or NOT_FAST for anything the
 * writer must see: a value to refuse (which the writer words), and an object with a key that
 * starts with a digit. An object orders its array-index keys ("0", "7", "10") first and by number
 * whatever the insertion order, which is not code-unit order ("10" < "7" < "a"), so the copy could
 * not keep them in place; a key such as "1a" goes to the writer too, harmlessly. So does
 * "__proto__", which would set the copy's prototype instead of making a key.
 */
function sortedCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return isWellFormed.call(value) ? value : NOT_FAST;
    case 'number':
      return Number.isFinite(value) ? value : NOT_FAST;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return NOT_FAST;
  }
  if (value === null) return null;
  if (depth >= MAX_FAST_DEPTH) return NOT_FAST;
  if (Array.isArray(value)) {
    const n = value.length;
    const out: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const v = sortedCopy(value[i], depth + 1);
      if (v === NOT_FAST) return NOT_FAST;
      out[i] = v;
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_FAST;
  if (Object.getOwnPropertySymbols(value).length > 0) return NOT_FAST;
  const keys = Object.keys(value);
  sortKeys(keys);
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const c = key.charCodeAt(0);
    if ((c >= 0x30 && c <= 0x39) || key === '__proto__' || !isWellFormed.call(key)) return NOT_FAST;
    const v = sortedCopy(record[key], depth + 1);
    if (v === NOT_FAST) return NOT_FAST;
    out[key] = v;
  }
  return out;
}

/**
 * Sorts by UTF-16 code units, as the default sort does (`>` on strings compares code units too);
 * for the handful of keys an entry's objects have, an insertion sort costs a fraction of it.
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
}

/**
 * Appends to one string; the path of the value being written is kept as a stack of segments and
 * put into words only when something is refused.
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
