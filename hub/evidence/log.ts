import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { writeImmediate, type HubDatabase } from '../db/database.js';
import { ManyRows } from '../db/insert-rows.js';
import { HubError } from '../errors.js';
import type { JsonValue } from './canonical-json.js';
import { checkpointText, type SignedCheckpoint } from './checkpoint.js';
import { entryBytes } from './entry-body.js';
import { signBytes, type EvidenceKey } from './keys.js';
import { appendToEdge, consistencyProof, inclusionProof, leafHashHexOfText, rootFromNodes, rootOf, type NodeReader } from './merkle.js';

/** A fact to record: what happened, when, to which case and employee, and the documents it rests on. */
export interface EvidenceFact {
  kind: string;
  caseId?: number | null;
  employeeId?: string | null;
  atMs: number;
  data: JsonValue;
  /** SHA-256 hex of documents already stored with `storeDocument`. */
  documents?: readonly string[];
}

/**
 * What this log last left the tree as: its size, last leaf and right edge (`edge[level]`: the hash
 * of the complete subtree of 2^level leaves where bit `level` of size is set, what the next
 * append pairs with), and the case heads it has read or written since. Trusted only while the
 * stored log still ends at that size with that leaf (see `tipAt`).
 */
interface Tip {
  size: number;
  lastLeaf: Uint8Array;
  edge: Array<Uint8Array | undefined>;
  /** A cache, the head moved longest ago first; a case not in it is read from evidence_case_heads. */
  heads: Map<number, CaseHead>;
}

/** A case's last entry: where its next entry chains on. */
interface CaseHead {
  seq: number;
  idx: number;
  /** Its leaf hash, as the next entry's casePrev names it. */
  hex: string;
}

/**
 * Inner nodes are stored from this level up, for complete subtrees of 16 or more leaves. A lower
 * one costs less to recompute from at most 8 leaf hashes (one range read) than a stored row per
 * pair of leaves costs to write.
 */
const LOWEST_STORED_LEVEL = 4;

/** Case heads kept in memory (about 150 bytes each); beyond it, those moved longest ago go. */
const CACHED_HEADS = 50_000;

/** A stored entry: its columns and the canonical body its leaf hash covers. */
export interface EvidenceEntry {
  index: number;
  atMs: number;
  kind: string;
  caseId: number | null;
  caseSeq: number | null;
  employeeId: string | null;
  /** The canonical JSON exactly as hashed. */
  body: string;
  leafHash: Buffer;
}

export interface EvidenceDocument {
  sha256: string;
  mediaType: string;
  name: string;
  bytes: Buffer;
  storedMs: number;
}

/**
 * The hub's tamper-evident log: an RFC 6962 Merkle tree over canonical JSON entries, with a hash
 * chain per case inside it and signed checkpoints of the tree head. Synchronous, so a caller can
 * append inside its own transaction and the fact is recorded exactly when its cause is (an append
 * in a caller's transaction becomes a savepoint).
 */
export class EvidenceLog {
  readonly db: HubDatabase;
  readonly key: EvidenceKey;
  private readonly logger: Logger;
  /** The injected clock: what stamps documents, checkpoints and the seals of exports. */
  readonly now: () => number;
  private readonly s: ReturnType<typeof prepare>;
  private readonly node: NodeReader;
  private tip: Tip | undefined;

  constructor(options: { db: HubDatabase; key: EvidenceKey; logger: Logger; now?: () => number }) {
    this.db = options.db;
    this.key = options.key;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.s = prepare(this.db);
    this.node = (level, index) => {
      let hash: Buffer | undefined;
      if (level === 0) hash = this.s.leafHash.get(index) as Buffer | undefined;
      else if (level < LOWEST_STORED_LEVEL) hash = this.lowNode(level, index);
      else hash = this.s.node.get(level, index) as Buffer | undefined;
      if (hash === undefined) throw new HubError('EVIDENCE', `the evidence tree has no node (${level}, ${index}): the log is incomplete`);
      return hash;
    };
  }

  /** How many entries the log holds. */
  size(): number {
    return this.s.size.get() as number;
  }

  /** Records a fact as the next entry; returns its index and leaf hash (hex). */
  append(fact: EvidenceFact): { index: number; leafHash: string } {
    return this.appendMany([fact])[0]!;
  }

  /**
   * Records facts as the next entries, in order, all or none. Every fact is checked, and every
   * document one names looked up, before a row is written; data that has no canonical JSON is
   * found as the bodies are made, and its refusal rolls back the rows before it. Each case's chain
   * advances from one fact to the next of the same case. Bodies, leaf hashes and new tree nodes
   * are computed in memory from the right edge and written with multi-row INSERTs.
   */
  appendMany(facts: readonly EvidenceFact[]): Array<{ index: number; leafHash: string }> {
    for (const fact of facts) checkFact(fact);
    if (facts.length === 0) return [];
    return this.write(facts.length === 1 ? 'append an entry' : `append ${facts.length} entries`, () => {
      this.checkDocuments(facts);
      const last = this.s.lastEntry.get() as { idx: number; leaf_hash: Buffer } | undefined;
      const size = last === undefined ? 0 : last.idx + 1;
      const tip = this.tipAt(size, last?.leaf_hash);
      const edge = tip.edge.slice();
      // Heads this batch moved; the cache takes them only once every row is written.
      const moved = new Map<number, CaseHead>();
      const { insertEntries: entries, insertNodes: nodes } = this.s;
      entries.clear();
      nodes.clear();
      const keepNode = (level: number, index: number, hash: Buffer): void => {
        if (level < LOWEST_STORED_LEVEL) return;
        nodes.values.push(level, index, hash);
        nodes.rowAdded();
      };
      const out: Array<{ index: number; leafHash: string }> = [];
      let leaf: Buffer | undefined;
      for (let i = 0; i < facts.length; i++) {
        const fact = facts[i]!;
        const index = size + i;
        const caseId = fact.caseId ?? null;
        const prev = caseId === null ? undefined : (moved.get(caseId) ?? this.headOf(tip, caseId));
        const caseSeq = caseId === null ? null : (prev === undefined ? 0 : prev.seq) + 1;
        const employeeId = fact.employeeId ?? null;
        // The fields in canonical order already, which leaves the key sort nothing to move.
        const text = entryBytes({
          atMs: fact.atMs,
          caseId,
          casePrev: prev === undefined ? null : prev.hex,
          caseSeq,
          data: fact.data,
          documents: [...(fact.documents ?? [])],
          employeeId,
          index,
          kind: fact.kind,
          v: 1,
        });
        const hex = leafHashHexOfText(text);
        leaf = Buffer.from(hex, 'hex');
        // Rows go out 128 at a time as they are made, so the text of an entry is garbage soon after.
        entries.values.push(index, fact.atMs, fact.kind, caseId, caseSeq, employeeId, text, leaf, prev === undefined ? null : prev.idx);
        entries.rowAdded();
        appendToEdge(edge, index, leaf, keepNode);
        if (caseId !== null) moved.set(caseId, { seq: caseSeq!, idx: index, hex });
        out.push({ index, leafHash: hex });
      }
      entries.flush();
      nodes.flush();
      this.storeHeads(moved);
      for (const [caseId, head] of moved) {
        tip.heads.delete(caseId);
        tip.heads.set(caseId, head);
      }
      for (const caseId of tip.heads.keys()) {
        if (tip.heads.size <= CACHED_HEADS) break;
        tip.heads.delete(caseId);
      }
      // facts is not empty, so the loop made a leaf.
      this.tip = { size: size + facts.length, lastLeaf: leaf!, edge, heads: tip.heads };
      return out;
    });
  }

  /** One row per case, in case order: upserts that walk the table in key order cost a quarter of scattered ones. */
  private storeHeads(moved: ReadonlyMap<number, CaseHead>): void {
    const heads = this.s.upsertHeads;
    heads.clear();
    for (const caseId of [...moved.keys()].sort((a, b) => a - b)) {
      const head = moved.get(caseId)!;
      heads.values.push(caseId, head.seq, head.idx, Buffer.from(head.hex, 'hex'));
      heads.rowAdded();
    }
    heads.flush();
  }

  private checkDocuments(facts: readonly EvidenceFact[]): void {
    const seen = new Set<string>();
    for (const fact of facts) {
      for (const sha of fact.documents ?? []) {
        if (seen.has(sha)) continue;
        if (this.s.hasDocument.get(sha) === undefined) throw new HubError('EVIDENCE', `evidence entry "${fact.kind}" relies on document ${sha}, which is not stored; store it first`);
        seen.add(sha);
      }
    }
  }

  /** A case's head as of the trusted tip: from the cache, else as stored (undefined: no entries yet). */
  private headOf(tip: Tip, caseId: number): CaseHead | undefined {
    const cached = tip.heads.get(caseId);
    if (cached !== undefined) return cached;
    const r = this.s.caseHead.get(caseId) as HeadRow | undefined;
    if (r === undefined) return undefined;
    const head = { seq: r.case_seq, idx: r.idx, hex: r.leaf_hash.toString('hex') };
    tip.heads.set(caseId, head);
    return head;
  }

  /**
   * The tip of the stored log of `size` entries ending with `lastLeaf`: this log's own when that is
   * where it left the log; otherwise (a rolled-back transaction, another process on the file) the
   * right edge read again, log n nodes, and no cached case heads, since they may belong to
   * entries that are gone or be older than the ones another process wrote.
   */
  private tipAt(size: number, lastLeaf: Buffer | undefined): Tip {
    const t = this.tip;
    if (t !== undefined && t.size === size && (size === 0 || sameBytes(lastLeaf, t.lastLeaf))) return t;
    const edge: Array<Uint8Array | undefined> = [];
    for (let k = 0; 2 ** k <= size; k++) if (Math.floor(size / 2 ** k) % 2 === 1) edge[k] = this.node(k, Math.floor(size / 2 ** k) - 1);
    this.tip = { size, lastLeaf: lastLeaf ?? new Uint8Array(0), edge, heads: new Map() };
    return this.tip;
  }

  /** A complete subtree below the stored levels, from its 2^level leaf hashes. */
  private lowNode(level: number, index: number): Buffer | undefined {
    const width = 2 ** level;
    const leaves = this.s.leafRange.all(index * width, (index + 1) * width) as Buffer[];
    return leaves.length === width ? rootOf(leaves) : undefined;
  }

  /** Stores a document once per content; returns its SHA-256 (hex). A second store of the same bytes keeps the first name. */
  storeDocument(bytes: Buffer, mediaType: string, name: string): string {
    if (!/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i.test(mediaType)) {
      throw new HubError('EVIDENCE', `"${mediaType}" is not a media type such as application/pdf`);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.write('store a document', () => this.s.insertDocument.run(sha256, mediaType.toLowerCase(), name, bytes, this.now()));
    return sha256;
  }

  /**
   * Signs the current tree head and stores the checkpoint; when one of this size exists it is
   * returned as stored (its own key id says which key signed it).
   */
  checkpoint(): SignedCheckpoint {
    return this.write('sign a checkpoint', () => {
      const treeSize = this.size();
      const stored = this.checkpointAt(treeSize);
      if (stored !== undefined) return stored;
      const fields = { treeSize, rootHash: rootFromNodes(treeSize, this.node), atMs: this.now(), keyId: this.key.keyId };
      const text = checkpointText(fields);
      const signature = signBytes(this.key, Buffer.from(text, 'utf8'));
      this.s.insertCheckpoint.run(treeSize, fields.rootHash, fields.atMs, signature, fields.keyId);
      this.logger.debug({ treeSize, keyId: fields.keyId }, 'signed an evidence checkpoint');
      return { ...fields, text, signature };
    });
  }

  checkpointAt(treeSize: number): SignedCheckpoint | undefined {
    const r = this.s.checkpoint.get(treeSize) as CheckpointRow | undefined;
    return r === undefined ? undefined : toCheckpoint(r);
  }

  latestCheckpoint(): SignedCheckpoint | undefined {
    const r = this.s.latestCheckpoint.get() as CheckpointRow | undefined;
    return r === undefined ? undefined : toCheckpoint(r);
  }

  entry(index: number): EvidenceEntry | undefined {
    const r = this.s.entry.get(index) as EntryRow | undefined;
    return r === undefined ? undefined : toEntry(r);
  }

  /**
   * A case's entries in chain order (caseSeq 1, 2, ...): from its head back through each entry's
   * previous one. A chain that does not count down to 1 by ones within the case is reported, not
   * returned in part.
   */
  caseEntries(caseId: number): EvidenceEntry[] {
    const head = this.s.caseHead.get(caseId) as HeadRow | undefined;
    if (head === undefined) return [];
    const out: EvidenceEntry[] = [];
    let idx: number | null = head.idx;
    for (let seq = head.case_seq; seq >= 1; seq--) {
      const r: ChainRow | undefined = idx === null ? undefined : (this.s.chainEntry.get(idx) as ChainRow | undefined);
      const joins = r !== undefined && r.case_id === caseId && r.case_seq === seq && (seq === 1) === (r.case_prev_idx === null);
      if (!joins || (seq === head.case_seq && !r.leaf_hash.equals(head.leaf_hash))) {
        throw new HubError('EVIDENCE', `case ${caseId}'s chain of evidence entries is broken at entry ${String(idx)} (place ${seq}): the log is inconsistent`);
      }
      out.push(toEntry(r));
      idx = r.case_prev_idx;
    }
    return out.reverse();
  }

  document(sha256: string): EvidenceDocument | undefined {
    const r = this.s.document.get(sha256) as { sha256: string; media_type: string; name: string; bytes: Buffer; stored_ms: number } | undefined;
    return r === undefined ? undefined : { sha256: r.sha256, mediaType: r.media_type, name: r.name, bytes: r.bytes, storedMs: r.stored_ms };
  }

  /** The root of the first `treeSize` entries (default: all). */
  root(treeSize = this.size()): Buffer {
    this.checkTreeSize(treeSize);
    return rootFromNodes(treeSize, this.node);
  }

  /** The RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries. */
  inclusionProof(index: number, treeSize = this.size()): Buffer[] {
    this.checkTreeSize(treeSize);
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) throw new HubError('EVIDENCE', `entry ${index} is not in a tree of ${treeSize} entries`);
    return inclusionProof(index, treeSize, this.node);
  }

  /** The RFC 9162 proof that the tree of `second` entries extends the tree of `first`. */
  consistencyProof(first: number, second = this.size()): Buffer[] {
    this.checkTreeSize(second);
    if (!Number.isSafeInteger(first) || first < 0 || first > second) throw new HubError('EVIDENCE', `a tree of ${first} entries is not a prefix of a tree of ${second}`);
    return consistencyProof(first, second, this.node);
  }

  private checkTreeSize(treeSize: number): void {
    const size = this.size();
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > size) throw new HubError('EVIDENCE', `the evidence log has ${size} entries, not ${treeSize}`);
  }

  /** Runs `work` in a transaction (a savepoint inside the caller's); a database failure becomes HubError('STORE'). */
  private write<T>(what: string, work: () => T): T {
    return writeImmediate(this.db, 'the evidence log', what, work);
  }
}

function checkFact(fact: EvidenceFact): void {
  const refuse = (why: string): never => {
    throw new HubError('EVIDENCE', `evidence entry refused: ${why}`);
  };
  if (typeof fact.kind !== 'string' || !/^[a-z][a-z0-9_.-]{0,63}$/.test(fact.kind)) refuse(`kind "${String(fact.kind)}" is not a lower-case name such as reminder_sent`);
  if (!Number.isSafeInteger(fact.atMs)) refuse(`atMs ${String(fact.atMs)} is not a whole number of milliseconds`);
  if (fact.caseId != null && !Number.isSafeInteger(fact.caseId)) refuse(`caseId ${String(fact.caseId)} is not a whole number`);
  if (fact.employeeId != null && typeof fact.employeeId !== 'string') refuse('employeeId is not a string');
  for (const sha of fact.documents ?? []) if (!/^[0-9a-f]{64}$/.test(sha)) refuse(`"${sha}" is not a lower-case SHA-256 hex`);
}

interface EntryRow {
  idx: number;
  at_ms: number;
  kind: string;
  case_id: number | null;
  case_seq: number | null;
  employee_id: string | null;
  body: string;
  leaf_hash: Buffer;
}

/** An entry read where a case's chain is walked: with the index of the case's previous entry. */
interface ChainRow extends EntryRow {
  case_prev_idx: number | null;
}

interface HeadRow {
  case_seq: number;
  idx: number;
  leaf_hash: Buffer;
}

interface CheckpointRow {
  tree_size: number;
  root_hash: Buffer;
  at_ms: number;
  signature: Buffer;
  key_id: string;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.compare(a, b) === 0;
}

function toEntry(r: EntryRow): EvidenceEntry {
  return { index: r.idx, atMs: r.at_ms, kind: r.kind, caseId: r.case_id, caseSeq: r.case_seq, employeeId: r.employee_id, body: r.body, leafHash: r.leaf_hash };
}

function toCheckpoint(r: CheckpointRow): SignedCheckpoint {
  const fields = { treeSize: r.tree_size, rootHash: r.root_hash, atMs: r.at_ms, keyId: r.key_id };
  return { ...fields, text: checkpointText(fields), signature: r.signature };
}

function prepare(db: HubDatabase) {
  const entryColumns = 'idx, at_ms, kind, case_id, case_seq, employee_id, body, leaf_hash';
  return {
    size: db.prepare('SELECT coalesce(max(idx) + 1, 0) FROM evidence_entries').pluck(),
    leafHash: db.prepare('SELECT leaf_hash FROM evidence_entries WHERE idx = ?').pluck(),
    lastEntry: db.prepare('SELECT idx, leaf_hash FROM evidence_entries ORDER BY idx DESC LIMIT 1'),
    leafRange: db.prepare('SELECT leaf_hash FROM evidence_entries WHERE idx >= ? AND idx < ? ORDER BY idx').pluck(),
    node: db.prepare('SELECT hash FROM evidence_nodes WHERE level = ? AND idx = ?').pluck(),
    insertEntries: new ManyRows(db, `INSERT INTO evidence_entries (${entryColumns}, case_prev_idx)`, 9),
    insertNodes: new ManyRows(db, 'INSERT INTO evidence_nodes (level, idx, hash)', 3),
    upsertHeads: new ManyRows(
      db,
      'INSERT INTO evidence_case_heads (case_id, case_seq, idx, leaf_hash)',
      4,
      'ON CONFLICT (case_id) DO UPDATE SET case_seq = excluded.case_seq, idx = excluded.idx, leaf_hash = excluded.leaf_hash',
    ),
    caseHead: db.prepare('SELECT case_seq, idx, leaf_hash FROM evidence_case_heads WHERE case_id = ?'),
    entry: db.prepare(`SELECT ${entryColumns} FROM evidence_entries WHERE idx = ?`),
    chainEntry: db.prepare(`SELECT ${entryColumns}, case_prev_idx FROM evidence_entries WHERE idx = ?`),
    hasDocument: db.prepare('SELECT 1 FROM evidence_documents WHERE sha256 = ?'),
    insertDocument: db.prepare('INSERT INTO evidence_documents (sha256, media_type, name, bytes, stored_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING'),
    document: db.prepare('SELECT sha256, media_type, name, bytes, stored_ms FROM evidence_documents WHERE sha256 = ?'),
    checkpoint: db.prepare('SELECT tree_size, root_hash, at_ms, signature, key_id FROM evidence_checkpoints WHERE tree_size = ?'),
    latestCheckpoint: db.prepare('SELECT tree_size, root_hash, at_ms, signature, key_id FROM evidence_checkpoints ORDER BY tree_size DESC LIMIT 1'),
    insertCheckpoint: db.prepare('INSERT INTO evidence_checkpoints (tree_size, root_hash, at_ms, signature, key_id) VALUES (?, ?, ?, ?, ?)'),
  };
}
