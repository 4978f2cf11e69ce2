import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from '../errors.js';
import { BUNDLE_FILES, BUNDLE_FORMAT, documentFileName, entryFileName, type BundleManifest } from './bundle-format.js';
import { verifyPage } from './bundle-page.js';
import type { SignedCheckpoint } from './checkpoint.js';
import { SEAL_KIND, parseEntryBody } from './entry-body.js';
import type { EvidenceDocument, EvidenceEntry, EvidenceLog } from './log.js';

export interface ExportedBundle {
  dir: string;
  caseId: number;
  /** The case's entries in the bundle, the seal included. */
  entries: number;
  documents: number;
  checkpoint: SignedCheckpoint;
}

/**
 * Writes a case's evidence to `dir` (created; refused when it holds anything). First a
 * `case_sealed` entry joins the case's chain, naming how many entries came before it and the
 * last one's leaf hash, and the tree head is signed right after it, in the same transaction: the
 * seal is the signed tree's last entry, so a bundle cannot quietly stop at an earlier seal, and
 * leaving out any of the case's entries breaks the chain.
 */
export function exportCaseBundle(log: EvidenceLog, caseId: number, dir: string): ExportedBundle {
  if (!Number.isSafeInteger(caseId)) throw new HubError('EVIDENCE', `case id ${caseId} is not a whole number`);
  checkEmptyDir(dir);
  const snapshot = log.db.transaction(() => {
    const before = log.caseEntries(caseId);
    const last = before.at(-1);
    if (last === undefined) throw new HubError('EVIDENCE', `case ${caseId} has no evidence entries to export`);
    log.append({ kind: SEAL_KIND, caseId, atMs: log.now(), data: { entries: before.length, head: last.leafHash.toString('hex') } });
    const checkpoint = log.checkpoint();
    const entries = log.caseEntries(caseId);
    const proofs = entries.map((e) => log.inclusionProof(e.index, checkpoint.treeSize));
    const documents = documentsOf(log, entries);
    return { checkpoint, entries, proofs, documents };
  }).immediate();
  const { checkpoint, entries, proofs, documents } = snapshot;
  const seal = entries.at(-1)!;
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    caseId,
    case: { entries: entries.length, head: seal.leafHash.toString('hex') },
    checkpoint: { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash.toString('hex'), time: new Date(checkpoint.atMs).toISOString(), keyId: checkpoint.keyId },
    entries: entries.map((e, i) => ({
      index: e.index,
      caseSeq: e.caseSeq!,
      kind: e.kind,
      atMs: e.atMs,
      leafHash: e.leafHash.toString('hex'),
      file: entryFileName(e.index),
      inclusionProof: proofs[i]!.map((p) => p.toString('hex')),
    })),
    documents: documents.map((d) => ({ sha256: d.sha256, mediaType: d.mediaType, name: d.name, size: d.bytes.length, file: documentFileName(d.sha256, d.mediaType) })),
  };
  try {
    mkdirSync(join(dir, BUNDLE_FILES.entries), { recursive: true });
    mkdirSync(join(dir, BUNDLE_FILES.documents), { recursive: true });
    const files = new Map<string, Buffer>();
    for (const e of entries) files.set(entryFileName(e.index), Buffer.from(e.body, 'utf8'));
    for (const d of documents) files.set(documentFileName(d.sha256, d.mediaType), d.bytes);
    files.set(BUNDLE_FILES.checkpoint, Buffer.from(checkpoint.text, 'utf8'));
    files.set(BUNDLE_FILES.signature, checkpoint.signature);
    files.set(BUNDLE_FILES.publicKey, Buffer.from(log.key.publicKeyPem, 'utf8'));
    files.set(BUNDLE_FILES.manifest, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
    for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
    writeFileSync(join(dir, BUNDLE_FILES.page), verifyPage(manifest, checkpoint.text, files));
  } catch (err) {
    throw new HubError('EVIDENCE', `cannot write the evidence bundle to ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return { dir, caseId, entries: entries.length, documents: documents.length, checkpoint };
}

/** Every document the entries rely on, once each, in first-use order. */
function documentsOf(log: EvidenceLog, entries: readonly EvidenceEntry[]): EvidenceDocument[] {
  const seen = new Map<string, EvidenceDocument>();
  for (const e of entries) {
    const parsed = parseEntryBody(e.body);
    if (!parsed.ok) throw new HubError('EVIDENCE', `evidence entry ${e.index} is not a well-formed body: ${parsed.problem}`);
    for (const sha of parsed.body.documents) {
      if (seen.has(sha)) continue;
      const doc = log.document(sha);
      if (doc === undefined) throw new HubError('EVIDENCE', `document ${sha} of evidence entry ${e.index} is not stored`);
      seen.set(sha, doc);
    }
  }
  return [...seen.values()];
}

function checkEmptyDir(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new HubError('EVIDENCE', `cannot use ${dir} for an evidence bundle: ${(err as Error).message}`, { cause: err });
  }
  if (names.length > 0) throw new HubError('EVIDENCE', `${dir} is not empty; export each bundle to a new directory so no old file is mistaken for part of it`);
}
