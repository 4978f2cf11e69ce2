import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  appendToEdge,
  consistencyProof,
  inclusionProof,
  leafHash,
  leafHashHexOfText,
  nodeHash,
  rootFromNodes,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type NodeReader,
} from '../../../hub/evidence/merkle.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// Test data of the Certificate Transparency reference implementation (transparency-dev/merkle,
// testonly/constants.go and proof/verify_test.go): eight leaves and their RFC 6962 hashes.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
const LEVEL_1 = [
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
  '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
  'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
];
const LEVEL_2 = ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'];
/** Roots of the trees of 0 to 8 leaves. */
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** [leaf index (from 0), tree size, proof]. */
const INCLUSION: [number, number, string[]][] = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [0, 1, []],
];
/** [first size, second size, proof]. */
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];

/** Complete-subtree hashes computed from the definition, as a log would have stored them. */
function nodesOf(leafHashes: readonly Buffer[]): NodeReader {
  return (level, index) => {
    const width = 2 ** level;
    const start = index * width;
    if (start + width > leafHashes.length) throw new Error(`no complete subtree (${level}, ${index})`);
    return rootOf(leafHashes.slice(start, start + width));
  };
}

const toHex = (bs: readonly Uint8Array[]): string[] => bs.map((b) => Buffer.from(b).toString('hex'));

function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << bit % 8;
  return copy;
}

describe('RFC 6962 Merkle tree: reference vectors', () => {
  const leafHashes = LEAVES.map(leafHash);
  const node = nodesOf(leafHashes);

  it('hashes leaves and complete subtrees as the reference does', () => {
    expect(toHex(leafHashes)).toEqual(LEAF_HASHES);
    expect([0, 1, 2, 3].map((i) => Buffer.from(node(1, i)).toString('hex'))).toEqual(LEVEL_1);
    expect([0, 1].map((i) => Buffer.from(node(2, i)).toString('hex'))).toEqual(LEVEL_2);
    expect(nodeHash(hex(LEVEL_2[0]!), hex(LEVEL_2[1]!)).toString('hex')).toBe(ROOTS[8]);
  });

  it('computes the root of every size from 0 to 8, from the leaves and from stored nodes', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0]);
    for (let n = 0; n <= 8; n++) {
      expect(rootOf(leafHashes.slice(0, n)).toString('hex')).toBe(ROOTS[n]);
      expect(rootFromNodes(n, node).toString('hex')).toBe(ROOTS[n]);
    }
  });

  it('builds and verifies the reference inclusion proofs', () => {
    for (const [index, size, proof] of INCLUSION) {
      expect(toHex(inclusionProof(index, size, node))).toEqual(proof);
      expect(verifyInclusion(leafHashes[index]!, index, size, proof.map(hex), hex(ROOTS[size]!))).toBe(true);
      expect(verifyInclusion(leafHashes[index]!, index + 1, size, proof.map(hex), hex(ROOTS[size]!))).toBe(false);
      expect(verifyInclusion(leafHashes[index]!, index, size * 2, proof.map(hex), hex(ROOTS[size]!))).toBe(false);
      expect(verifyInclusion(leafHashes[index]!, index, size, [...proof.map(hex), hex(ROOTS[size]!)], hex(ROOTS[size]!))).toBe(false);
      expect(verifyInclusion(leafHashes[index]!, index, size, [hex(ROOTS[size]!), ...proof.map(hex)], hex(ROOTS[size]!))).toBe(false);
      if (proof.length > 0) expect(verifyInclusion(leafHashes[index]!, index, size, proof.slice(0, -1).map(hex), hex(ROOTS[size]!))).toBe(false);
    }
    expect(verifyInclusion(leafHashes[0]!, 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(leafHashes[0]!, 0, 1, [], Buffer.alloc(0))).toBe(false);
  });

  it('builds and verifies the reference consistency proofs', () => {
    for (const [first, second, proof] of CONSISTENCY) {
      expect(toHex(consistencyProof(first, second, node))).toEqual(proof);
      expect(verifyConsistency(first, second, proof.map(hex), hex(ROOTS[first]!), hex(ROOTS[second]!))).toBe(true);
      if (first === second) continue;
      expect(verifyConsistency(first, second, proof.map(hex), hex(ROOTS[second]!), hex(ROOTS[first]!))).toBe(false);
      expect(verifyConsistency(first, second, [], hex(ROOTS[first]!), hex(ROOTS[second]!))).toBe(false);
      expect(verifyConsistency(first, second, proof.slice(0, -1).map(hex), hex(ROOTS[first]!), hex(ROOTS[second]!))).toBe(false);
      expect(verifyConsistency(first, second, [...proof.map(hex), hex(ROOTS[first]!)], hex(ROOTS[first]!), hex(ROOTS[second]!))).toBe(false);
      expect(verifyConsistency(first + 1, second, proof.map(hex), hex(ROOTS[first]!), hex(ROOTS[second]!))).toBe(false);
      expect(verifyConsistency(first, second * 2, proof.map(hex), hex(ROOTS[first]!), hex(ROOTS[second]!))).toBe(false);
    }
    // The reference verifier's edge cases: the empty tree is a prefix of any tree; a tree only of itself.
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(true);
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, hex(ROOTS[5]!))).toBe(true);
    expect(verifyConsistency(1, 1, [], hex(ROOTS[1]!), hex(ROOTS[2]!))).toBe(false);
    expect(verifyConsistency(1, 1, [EMPTY_ROOT], hex(ROOTS[1]!), hex(ROOTS[1]!))).toBe(false);
    expect(verifyConsistency(2, 1, [], hex(ROOTS[2]!), hex(ROOTS[1]!))).toBe(false);
  });
});

/** Leaf hashes of the leaves, each prefixed with its position so no two are alike. */
const distinct = (leaves: readonly Uint8Array[]): Buffer[] => leaves.map((l, i) => leafHash(Buffer.concat([Buffer.from(`${i}:`), l])));

describe('RFC 6962 Merkle tree: properties of random trees', () => {
  const tree = fc.integer({ min: 1, max: 300 }).chain((n) =>
    fc.record({ leaves: fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: n, maxLength: n }), a: fc.nat(n - 1), b: fc.nat(n - 1), bit: fc.nat(255) }),
  );

  it('every inclusion proof verifies, and a flipped bit anywhere fails it', () => {
    fc.assert(
      fc.property(tree, ({ leaves, a, bit }) => {
        const hashes = distinct(leaves);
        const node = nodesOf(hashes);
        const root = rootOf(hashes);
        const proof = inclusionProof(a, hashes.length, node);
        expect(rootFromNodes(hashes.length, node).equals(root)).toBe(true);
        expect(verifyInclusion(hashes[a]!, a, hashes.length, proof, root)).toBe(true);
        expect(verifyInclusion(flipBit(hashes[a]!, bit), a, hashes.length, proof, root)).toBe(false);
        expect(verifyInclusion(hashes[a]!, a, hashes.length, proof, flipBit(root, bit))).toBe(false);
        proof.forEach((_, i) => {
          const bad = proof.map((p, j) => (j === i ? flipBit(p, bit) : p));
          expect(verifyInclusion(hashes[a]!, a, hashes.length, bad, root)).toBe(false);
        });
        // Another leaf's proof does not fit this leaf's place.
        if (hashes.length > 1) expect(verifyInclusion(hashes[a]!, (a + 1) % hashes.length, hashes.length, proof, root)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('every consistency proof verifies, and a flipped bit anywhere fails it', () => {
    fc.assert(
      fc.property(tree, ({ leaves, a, b, bit }) => {
        const hashes = distinct(leaves);
        const node = nodesOf(hashes);
        const [first, second] = [Math.min(a, b) + 1, Math.max(a, b) + 1];
        const firstRoot = rootOf(hashes.slice(0, first));
        const secondRoot = rootOf(hashes.slice(0, second));
        const proof = consistencyProof(first, second, node);
        expect(verifyConsistency(first, second, proof, firstRoot, secondRoot)).toBe(true);
        if (first === second) return;
        expect(verifyConsistency(first, second, proof, flipBit(firstRoot, bit), secondRoot)).toBe(false);
        expect(verifyConsistency(first, second, proof, firstRoot, flipBit(secondRoot, bit))).toBe(false);
        proof.forEach((_, i) => {
          const bad = proof.map((p, j) => (j === i ? flipBit(p, bit) : p));
          expect(verifyConsistency(first, second, bad, firstRoot, secondRoot)).toBe(false);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('RFC 6962 Merkle tree: the hashing shortcuts', () => {
  const sha256 = (...parts: Uint8Array[]): string => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');

  it('hashes text as its UTF-8 bytes, whatever its length and characters', () => {
    // Long enough to outgrow the first input buffer, more than once.
    const texts = ['', 'a', '员工 E1004 "旷工"', '😀'.repeat(3000), 'x'.repeat(50_000), `{"text":"${'返岗'.repeat(5000)}"}`, 'short again'];
    for (const text of texts) {
      const bytes = Buffer.from(text, 'utf8');
      expect(leafHashHexOfText(text)).toBe(sha256(Buffer.from([0]), bytes));
      expect(leafHash(bytes).toString('hex')).toBe(sha256(Buffer.from([0]), bytes));
    }
  });

  it('hashes nodes of any two inputs, 32-byte hashes or not, and never hands out a shared buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.uint8Array({ minLength: 0, maxLength: 40 }), (l, r) => {
        expect(nodeHash(l, r).toString('hex')).toBe(sha256(Buffer.from([1]), l, r));
      }),
    );
    const a = nodeHash(hex(LEAF_HASHES[0]!), hex(LEAF_HASHES[1]!));
    const b = nodeHash(hex(LEAF_HASHES[2]!), hex(LEAF_HASHES[3]!));
    expect([a.toString('hex'), b.toString('hex')]).toEqual(LEVEL_1.slice(0, 2));
  });

  it('keeps the right edge as leaves are appended, naming every complete subtree once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (n) => {
        const hashes = distinct(Array.from({ length: n }, (_, i) => Buffer.from([i % 256])));
        const node = nodesOf(hashes);
        const edge: Array<Uint8Array | undefined> = [];
        const completed: string[] = [];
        hashes.forEach((leaf, i) =>
          appendToEdge(edge, i, leaf, (level, index, hash) => {
            expect(hash.equals(node(level, index))).toBe(true);
            completed.push(`${level}:${index}`);
          }),
        );
        // Every complete subtree of two or more leaves, and nothing else.
        const expected: string[] = [];
        for (let level = 1; 2 ** level <= n; level++) for (let i = 0; i < Math.floor(n / 2 ** level); i++) expected.push(`${level}:${i}`);
        expect([...completed].sort()).toEqual(expected.sort());
        // The edge holds one hash per set bit of n: the root is those, right to left.
        const set = edge.flatMap((h, level) => (h === undefined ? [] : [level]));
        expect(set).toEqual([...n.toString(2)].reverse().flatMap((bit, level) => (bit === '1' ? [level] : [])));
        let root: Uint8Array | undefined;
        for (const level of set) root = root === undefined ? edge[level]! : nodeHash(edge[level]!, root);
        expect(Buffer.from(root!).equals(rootOf(hashes))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
