import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { writeImmediate, type HubDatabase } from '../db/database.js';
import { HubError } from '../errors.js';
import type { JsonValue } from './canonical-json.js';
import { checkpointText, type SignedCheckpoint } from './checkpoint.js';
import { entryBytes, type EntryBody } from './entry-body.js';
import { signBytes, type EvidenceKey } from './keys.js';
import { consistencyProof, inclusionProof, leafHash, nodeHash, rootFromNodes, type NodeReader } from './merkle.js';

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

/** The tree's right edge after `size` leaves (frontierAt). */
interface Frontier {
  size: number;
  lastLeaf: Uint8Array;
  /** By level: the complete subtree's hash where bit `level` of size is set. */
  hashes: Array<Uint8Array | undefined>;
}

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
  private frontier: Frontier | undefined;

  constructor(options: { db: HubDatabase; key: EvidenceKey; logger: Logger; now?: () => number }) {
    this.db = options.db;
    this.key = options.key;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.s = prepare(this.db);
    this.node = (level, index) => {
      const hash = (level === 0 ? this.s.leafHash.get(index) : this.s.node.get(level, index)) as Buffer | undefined;
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
    checkFact(fact);
    const caseId = fact.caseId ?? null;
    const documents = [...(fact.documents ?? [])];
    return this.write('append an entry', () => {
      for (const sha of documents) {
        if (this.s.hasDocument.get(sha) === undefined) throw new HubError('EVIDENCE', `evidence entry "${fact.kind}" relies on document ${sha}, which is not stored; store it first`);
      }
      const index = this.size();
      const prev = caseId === null ? undefined : (this.s.caseHead.get(caseId) as { leaf_hash: Buffer; case_seq: number } | undefined);
      const caseSeq = caseId === null ? null : (prev?.case_seq ?? 0) + 1;
      const body: EntryBody = {
        v: 1,
        index,
        kind: fact.kind,
        atMs: fact.atMs,
        caseId,
        employeeId: fact.employeeId ?? null,
        data: fact.data,
        documents,
        casePrev: prev === undefined ? null : prev.leaf_hash.toString('hex'),
        caseSeq,
      };
      const text = entryBytes(body);
      const leaf = leafHash(Buffer.from(text, 'utf8'));
      const frontier = this.frontierAt(index);
      this.s.insertEntry.run(index, fact.atMs, fact.kind, caseId, caseSeq, body.employeeId, text, leaf);
      // Each odd index completes subtrees: the one of its pair, then upward while it stays a right child.
      let hash = leaf;
      let level = 0;
      for (let i = index; i % 2 === 1; level++, i = (i - 1) / 2) {
        hash = nodeHash(frontier.hashes[level]!, hash);
        frontier.hashes[level] = undefined;
        this.s.insertNode.run(level + 1, (i - 1) / 2, hash);
      }
      frontier.hashes[level] = hash;
      this.frontier = { size: index + 1, lastLeaf: leaf, hashes: frontier.hashes };
      return { index, leafHash: leaf.toString('hex') };
    });
  }

  /**
   * The right edge of the tree of `size` leaves: for each set bit k of size, the hash of the
   * complete subtree of 2^k leaves ending at the last one (what the next append pairs with). Kept
   * in memory across appends; read again (log n nodes) when the log is not the size it was left at
   * or its last leaf is another (a rolled-back transaction, another process on the file).
   */
  private frontierAt(size: number): Frontier {
    const f = this.frontier;
    if (f !== undefined && f.size === size && (size === 0 || sameBytes(this.s.leafHash.get(size - 1) as Uint8Array | undefined, f.lastLeaf))) return f;
    const hashes: Array<Uint8Array | undefined> = [];
    for (let k = 0; 2 ** k <= size; k++) if (Math.floor(size / 2 ** k) % 2 === 1) hashes[k] = this.node(k, Math.floor(size / 2 ** k) - 1);
    return { size, lastLeaf: size === 0 ? new Uint8Array(0) : this.node(0, size - 1), hashes };
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

  /** A case's entries in chain order (caseSeq 1, 2, ...). */
  caseEntries(caseId: number): EvidenceEntry[] {
    return (this.s.caseEntries.all(caseId) as EntryRow[]).map(toEntry);
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
    node: db.prepare('SELECT hash FROM evidence_nodes WHERE level = ? AND idx = ?').pluck(),
    insertEntry: db.prepare(`INSERT INTO evidence_entries (${entryColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    insertNode: db.prepare('INSERT INTO evidence_nodes (level, idx, hash) VALUES (?, ?, ?)'),
    caseHead: db.prepare('SELECT leaf_hash, case_seq FROM evidence_entries WHERE case_id = ? ORDER BY case_seq DESC LIMIT 1'),
    entry: db.prepare(`SELECT ${entryColumns} FROM evidence_entries WHERE idx = ?`),
    caseEntries: db.prepare(`SELECT ${entryColumns} FROM evidence_entries WHERE case_id = ? ORDER BY case_seq`),
    hasDocument: db.prepare('SELECT 1 FROM evidence_documents WHERE sha256 = ?'),
    insertDocument: db.prepare('INSERT INTO evidence_documents (sha256, media_type, name, bytes, stored_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING'),
    document: db.prepare('SELECT sha256, media_type, name, bytes, stored_ms FROM evidence_documents WHERE sha256 = ?'),
    checkpoint: db.prepare('SELECT tree_size, root_hash, at_ms, signature, key_id FROM evidence_checkpoints WHERE tree_size = ?'),
    latestCheckpoint: db.prepare('SELECT tree_size, root_hash, at_ms, signature, key_id FROM evidence_checkpoints ORDER BY tree_size DESC LIMIT 1'),
    insertCheckpoint: db.prepare('INSERT INTO evidence_checkpoints (tree_size, root_hash, at_ms, signature, key_id) VALUES (?, ?, ?, ?, ?)'),
  };
}
