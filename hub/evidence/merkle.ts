import { hash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 / RFC 9162 (Certificate Transparency) with SHA-256, as pure
 * functions. Using the published construction rather than an own one means a lawyer's expert can
 * check a proof with any CT tool or with sha256sum by hand, and the tests can use the RFC's vectors.
 *
 * Sizes and indexes are plain numbers and every shift is a division: bitwise operators would cut
 * them to 32 bits.
 *
 * Hashes go through the one-shot `crypto.hash` with the input put together in one buffer first,
 * which costs about half of a createHash object and its updates for inputs this small. A digest
 * is taken as a string and turned into a buffer in JavaScript: a Buffer made by the native side
 * costs more than the hash of a 32-byte node itself.
 */

export const HASH_BYTES = 32;

const NODE_PREFIX = Buffer.from([1]);
// Hashing is synchronous, so one input buffer of each kind serves every call: 0x01 and two hashes
// for a node, 0x00 and a text's UTF-8 for a leaf (grown for a longer text).
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_BYTES, 1);
let leafInput = Buffer.alloc(4096);

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = Buffer.from(hash('sha256', new Uint8Array(0), 'hex'), 'hex');

/** SHA-256(0x00 || leaf bytes): the 0x00 keeps a leaf from passing for an inner node. */
export function leafHash(bytes: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + bytes.length);
  input[0] = 0;
  input.set(bytes, 1);
  return Buffer.from(hash('sha256', input, 'hex'), 'hex');
}

/** The leaf hash (hex) of text as UTF-8: what `leafHash` gives for those bytes. */
export function leafHashHexOfText(text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit (a pair's 4 bytes are 2 per unit).
  const need = 1 + 3 * text.length;
  if (leafInput.length < need) {
    leafInput = Buffer.allocUnsafeSlow(Math.max(need, 2 * leafInput.length));
    leafInput[0] = 0;
  }
  const written = leafInput.write(text, 1, 'utf8');
  return hash('sha256', leafInput.subarray(0, 1 + written), 'hex');
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) return Buffer.from(hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'hex'), 'hex');
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_BYTES);
  // 'binary' (latin1) maps each byte to one character and back: the cheapest digest string.
  return Buffer.from(hash('sha256', NODE_INPUT, 'binary'), 'binary');
}

/**
 * Adds the leaf at `index` to the right edge of the tree of `index` leaves (`edge[level]`: the
 * hash of the complete subtree of 2^level leaves where bit `level` of the size is set), and tells
 * `completed` of each complete subtree of two or more leaves the leaf closes, lowest first. An odd
 * index closes its pair, and then every level while the subtree stays a right child.
 */
export function appendToEdge(edge: Array<Uint8Array | undefined>, index: number, leaf: Uint8Array, completed: (level: number, index: number, hash: Buffer) => void): void {
  let h: Uint8Array = leaf;
  let level = 0;
  for (let i = index; i % 2 === 1; level++, i = (i - 1) / 2) {
    const node = nodeHash(edge[level]!, h);
    edge[level] = undefined;
    completed(level + 1, (i - 1) / 2, node);
    h = node;
  }
  edge[level] = h;
}

/**
 * The hash of the complete subtree of 2^level leaves that starts at leaf index * 2^level (level 0:
 * the leaf hash itself). A log keeps these so no proof ever needs a pass over all leaves.
 */
export type NodeReader = (level: number, index: number) => Uint8Array;

/** MTH(D[n]) straight from the definition, over every leaf hash: the reference the stored tree is checked against. */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  const mth = (start: number, n: number): Buffer => {
    if (n === 1) return Buffer.from(leafHashes[start]!);
    const k = splitPoint(n);
    return nodeHash(mth(start, k), mth(start + k, n - k));
  };
  return mth(0, leafHashes.length);
}

/** The root of the first `treeSize` leaves, from O(log n) stored subtree hashes. */
export function rootFromNodes(treeSize: number, node: NodeReader): Buffer {
  checkSize(treeSize);
  return treeSize === 0 ? EMPTY_ROOT : subtreeHash(0, treeSize, node);
}

/**
 * MTH(D[start:start+size]) for a subtree of the RFC's recursion: `start` is a multiple of the
 * smallest power of two not below `size`, so the subtree is complete, or complete on its left with a
 * smaller right edge that recurses.
 */
export function subtreeHash(start: number, size: number, node: NodeReader): Buffer {
  if (isPowerOfTwo(size)) return Buffer.from(node(Math.log2(size), start / size));
  const k = splitPoint(size);
  return nodeHash(subtreeHash(start, k, node), subtreeHash(start + k, size - k, node));
}

/** PATH(m, D[n]) of RFC 9162 2.1.3.1: the siblings from the leaf up to the root. */
export function inclusionProof(index: number, treeSize: number, node: NodeReader): Buffer[] {
  checkSize(treeSize);
  if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) throw new RangeError(`leaf ${index} is not in a tree of ${treeSize}`);
  const path = (m: number, start: number, n: number): Buffer[] => {
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, start, k), subtreeHash(start + k, n - k, node)] : [...path(m - k, start + k, n - k), subtreeHash(start, k, node)];
  };
  return path(index, 0, treeSize);
}

/** RFC 9162 2.1.3.2, step by step: true when `proof` leads from `leaf` at `index` to `root` of a tree of `treeSize`. */
export function verifyInclusion(leaf: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  if (leaf.length !== HASH_BYTES || root.length !== HASH_BYTES || proof.some((p) => p.length !== HASH_BYTES)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/**
 * PROOF(m, D[n]) of RFC 9162 2.1.4.1: what shows the tree of `second` leaves extends the tree of
 * `first` leaves. Empty when first is 0 or equals second.
 */
export function consistencyProof(first: number, second: number, node: NodeReader): Buffer[] {
  checkSize(second);
  if (!Number.isSafeInteger(first) || first < 0 || first > second) throw new RangeError(`a tree of ${first} cannot be a prefix of a tree of ${second}`);
  if (first === 0 || first === second) return [];
  const sub = (m: number, start: number, n: number, whole: boolean): Buffer[] => {
    if (m === n) return whole ? [] : [subtreeHash(start, m, node)];
    const k = splitPoint(n);
    return m <= k
      ? [...sub(m, start, k, whole), subtreeHash(start + k, n - k, node)]
      : [...sub(m - k, start + k, n - k, false), subtreeHash(start, k, node)];
  };
  return sub(first, 0, second, true);
}

/**
 * RFC 9162 2.1.4.2, step by step. Equal sizes need an empty proof and equal roots; the empty tree is
 * a prefix of every tree (empty proof), as in the CT reference verifier.
 */
export function verifyConsistency(first: number, second: number, proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0 || firstRoot.length !== HASH_BYTES || secondRoot.length !== HASH_BYTES || proof.some((p) => p.length !== HASH_BYTES)) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(fr).equals(firstRoot) && Buffer.from(sr).equals(secondRoot);
}

/** The largest power of two smaller than n (n ≥ 2): where RFC 6962 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && Number.isInteger(Math.log2(n));
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function checkSize(treeSize: number): void {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new RangeError(`${treeSize} is not a tree size`);
}
