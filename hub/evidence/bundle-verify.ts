import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILES, documentFileName, entryFileName, parseManifest, type BundleManifest } from './bundle-format.js';
import { parseCheckpointText, type CheckpointFields } from './checkpoint.js';
import { SEAL_KIND, parseEntryBody, type EntryBody } from './entry-body.js';
import { keyIdOf, verifyBytes } from './keys.js';
import { leafHash, verifyInclusion } from './merkle.js';

export interface VerifyOptions {
  /** The employer's public key (PEM), obtained apart from the bundle: the checkpoint must be signed by it. */
  publicKeyPem?: string | Buffer;
  /** Alternatively the key id HR announced: the bundle's public key must have it. */
  expectedKeyId?: string;
}

export interface BundleVerification {
  ok: boolean;
  /** Every disagreement found, each naming the entry, document or file. */
  problems: string[];
  /** The case id bundle.json names (null when bundle.json is unreadable). */
  case: number | null;
  /** Entries listed in bundle.json. */
  entries: number;
  documents: number;
  checkpoint: { treeSize: number; rootHash: string; time: string; keyId: string } | null;
}

/** A bundle file's bytes, or undefined with the problem recorded (`whenMissing` for a file that does not exist). */
type Reader = (name: string, whenMissing?: string) => Buffer | undefined;

interface CheckedEntry {
  index: number;
  leaf: string;
  body: EntryBody;
}

/**
 * Recomputes everything a bundle claims from its files alone (no database): the checkpoint's
 * signature, each entry's leaf hash from its bytes, each inclusion proof against the signed root,
 * the case's chain from caseSeq 1 through the seal, and every document an entry relies on.
 * Without a known key (`options`) it shows only that the bundle is consistent with its own key.
 */
export function verifyBundle(dir: string, options: VerifyOptions = {}): BundleVerification {
  const problems: string[] = [];
  const read: Reader = (name, whenMissing) => {
    try {
      return readFileSync(join(dir, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push(code === 'ENOENT' && whenMissing !== undefined ? whenMissing : `${name} cannot be read: ${code ?? (err as Error).message}`);
      return undefined;
    }
  };
  const result = (manifest: BundleManifest | undefined, checkpoint: CheckpointFields | undefined): BundleVerification => ({
    ok: problems.length === 0,
    problems,
    case: manifest?.caseId ?? null,
    entries: manifest?.entries.length ?? 0,
    documents: manifest?.documents.length ?? 0,
    checkpoint:
      checkpoint === undefined
        ? null
        : { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash.toString('hex'), time: new Date(checkpoint.atMs).toISOString(), keyId: checkpoint.keyId },
  });

  const manifestBytes = read(BUNDLE_FILES.manifest);
  if (manifestBytes === undefined) return result(undefined, undefined);
  const parsed = parseManifest(manifestBytes.toString('utf8'));
  if (!parsed.ok) {
    problems.push(...parsed.problems);
    return result(undefined, undefined);
  }
  const manifest = parsed.manifest;
  const checkpoint = checkCheckpoint(manifest, read, problems, options);
  const entries = checkEntries(manifest, checkpoint, read, problems);
  checkStrayFiles(dir, BUNDLE_FILES.entries, new Set(manifest.entries.map((e) => e.file)), problems);
  checkChain(manifest, entries, checkpoint, problems);
  checkDocuments(manifest, entries, read, problems);
  checkStrayFiles(dir, BUNDLE_FILES.documents, new Set(manifest.documents.map((d) => d.file)), problems);
  return result(manifest, checkpoint);
}

function checkCheckpoint(manifest: BundleManifest, read: Reader, problems: string[], options: VerifyOptions): CheckpointFields | undefined {
  const text = read(BUNDLE_FILES.checkpoint);
  const signature = read(BUNDLE_FILES.signature);
  const pem = read(BUNDLE_FILES.publicKey);
  let bundleKey: KeyObject | undefined;
  if (pem !== undefined) {
    try {
      bundleKey = createPublicKey({ key: pem, format: 'pem' });
      if (bundleKey.asymmetricKeyType !== 'ed25519') {
        problems.push(`${BUNDLE_FILES.publicKey} is an ${bundleKey.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
        bundleKey = undefined;
      }
    } catch (err) {
      problems.push(`${BUNDLE_FILES.publicKey} is not a PEM public key: ${(err as Error).message}`);
    }
  }
  let trusted = bundleKey;
  if (options.publicKeyPem !== undefined) {
    try {
      trusted = createPublicKey({ key: options.publicKeyPem, format: 'pem' });
    } catch (err) {
      problems.push(`the expected public key is not a PEM public key: ${(err as Error).message}`);
      return undefined;
    }
    if (bundleKey !== undefined && !bundleKey.equals(trusted)) {
      problems.push(`${BUNDLE_FILES.publicKey} (key id ${keyIdOf(bundleKey)}) is not the expected public key (key id ${keyIdOf(trusted)})`);
    }
  }
  if (options.expectedKeyId !== undefined && bundleKey !== undefined && keyIdOf(bundleKey) !== options.expectedKeyId) {
    problems.push(`${BUNDLE_FILES.publicKey} has key id ${keyIdOf(bundleKey)}, not the expected ${options.expectedKeyId}`);
  }
  if (text === undefined) return undefined;
  const fields = parseCheckpointText(text.toString('utf8'));
  if (!fields.ok) {
    problems.push(`${BUNDLE_FILES.checkpoint}: ${fields.problem}`);
    return undefined;
  }
  const c = fields.fields;
  if (signature !== undefined && trusted !== undefined && !verifyBytes(trusted, text, signature)) {
    const which = options.publicKeyPem === undefined ? BUNDLE_FILES.publicKey : 'the expected public key';
    problems.push(`${BUNDLE_FILES.signature}: the signature of ${BUNDLE_FILES.checkpoint} does not verify with ${which}`);
  }
  if (trusted !== undefined && c.keyId !== keyIdOf(trusted)) problems.push(`${BUNDLE_FILES.checkpoint} names key ${c.keyId}, but the public key's id is ${keyIdOf(trusted)}`);
  const m = manifest.checkpoint;
  const disagree = (what: string, inManifest: string | number, inText: string | number): void => {
    if (inManifest !== inText) problems.push(`${BUNDLE_FILES.manifest} gives the checkpoint ${what} ${inManifest}, ${BUNDLE_FILES.checkpoint} says ${inText}`);
  };
  disagree('size', m.treeSize, c.treeSize);
  disagree('root', m.rootHash, c.rootHash.toString('hex'));
  disagree('key id', m.keyId, c.keyId);
  disagree('time', m.time, new Date(c.atMs).toISOString());
  return c;
}

/** Each listed entry: its file's hash, its body against its bundle.json line, its proof against the signed root. */
function checkEntries(manifest: BundleManifest, checkpoint: CheckpointFields | undefined, read: Reader, problems: string[]): CheckedEntry[] {
  const checked: CheckedEntry[] = [];
  const seen = new Set<number>();
  for (const e of manifest.entries) {
    const at = `entry ${e.index}`;
    if (seen.has(e.index)) problems.push(`${at}: listed twice in ${BUNDLE_FILES.manifest}`);
    seen.add(e.index);
    if (e.file !== entryFileName(e.index)) {
      problems.push(`${at}: ${BUNDLE_FILES.manifest} names the file ${e.file}, not ${entryFileName(e.index)}`);
      continue;
    }
    const bytes = read(e.file, `${at}: ${e.file} is listed in ${BUNDLE_FILES.manifest} but not in the bundle`);
    if (bytes === undefined) continue;
    const leaf = leafHash(bytes);
    if (leaf.toString('hex') !== e.leafHash) problems.push(`${at}: file bytes do not hash to the leaf hash in ${BUNDLE_FILES.manifest}`);
    if (checkpoint !== undefined && !verifyInclusion(leaf, e.index, checkpoint.treeSize, e.inclusionProof.map((p) => Buffer.from(p, 'hex')), checkpoint.rootHash)) {
      problems.push(`${at}: its file and inclusion proof do not lead to the signed root (tree of ${checkpoint.treeSize})`);
    }
    const parsed = parseEntryBody(bytes.toString('utf8'));
    if (!parsed.ok) {
      problems.push(`${at}: ${e.file} ${parsed.problem}`);
      continue;
    }
    const b = parsed.body;
    if (b.index !== e.index) problems.push(`${at}: ${BUNDLE_FILES.manifest} says index ${e.index}, its file says ${b.index}`);
    if (b.caseId !== manifest.caseId) problems.push(`${at}: belongs to case ${String(b.caseId)}, not case ${manifest.caseId}`);
    if (b.caseSeq !== e.caseSeq) problems.push(`${at}: ${BUNDLE_FILES.manifest} says caseSeq ${e.caseSeq}, its file says ${String(b.caseSeq)}`);
    if (b.kind !== e.kind || b.atMs !== e.atMs) problems.push(`${at}: ${BUNDLE_FILES.manifest} gives another kind or time than its file`);
    checked.push({ index: b.index, leaf: leaf.toString('hex'), body: b });
  }
  return checked;
}

/** The case's chain: caseSeq 1, 2, ... each naming the one before, in log order, ending in the seal that closes the signed tree. */
function checkChain(manifest: BundleManifest, entries: readonly CheckedEntry[], checkpoint: CheckpointFields | undefined, problems: string[]): void {
  const chain = entries.filter((e) => e.body.caseId === manifest.caseId && e.body.caseSeq !== null).sort((a, b) => a.body.caseSeq! - b.body.caseSeq!);
  const first = chain[0];
  if (first === undefined) {
    problems.push(`no entry of case ${manifest.caseId} could be checked`);
    return;
  }
  if (first.body.caseSeq !== 1) problems.push(`case chain does not start at caseSeq 1: the first entry is caseSeq ${first.body.caseSeq} (entry ${first.index})`);
  if (first.body.caseSeq === 1 && first.body.casePrev !== null) problems.push(`entry ${first.index}: caseSeq 1 names a previous entry`);
  for (let i = 1; i < chain.length; i++) {
    const prev = chain[i - 1]!;
    const cur = chain[i]!;
    const after = `case chain broken after caseSeq ${prev.body.caseSeq} (entry ${prev.index})`;
    if (cur.body.caseSeq === prev.body.caseSeq) problems.push(`${after}: entries ${prev.index} and ${cur.index} both claim caseSeq ${cur.body.caseSeq}`);
    else if (cur.body.caseSeq !== prev.body.caseSeq! + 1) {
      const missing = cur.body.caseSeq! - prev.body.caseSeq! - 1;
      problems.push(`${after}: ${missing === 1 ? `caseSeq ${prev.body.caseSeq! + 1} is` : `caseSeq ${prev.body.caseSeq! + 1} to ${cur.body.caseSeq! - 1} are`} missing; the next entry present is ${cur.index} (caseSeq ${cur.body.caseSeq})`);
    } else if (cur.body.casePrev !== prev.leaf) {
      problems.push(`${after}: entry ${cur.index} (caseSeq ${cur.body.caseSeq}) does not name entry ${prev.index}'s leaf hash as the previous entry`);
    }
    if (cur.index <= prev.index) problems.push(`${after}: entry ${cur.index} (caseSeq ${cur.body.caseSeq}) is not later in the log than entry ${prev.index}`);
  }
  const seal = chain.at(-1)!;
  const sealSeq = seal.body.caseSeq!;
  if (seal.body.kind !== SEAL_KIND) {
    problems.push(`case chain does not end in a ${SEAL_KIND} entry: the last entry present is ${seal.index} (caseSeq ${sealSeq}, ${seal.body.kind}), so entries after it may be missing`);
  } else {
    const data = seal.body.data as { entries?: unknown; head?: unknown } | null;
    if (data?.entries !== sealSeq - 1) problems.push(`the seal (entry ${seal.index}) says the case had ${String(data?.entries)} entries before it, but it is caseSeq ${sealSeq}`);
    if (data?.head !== seal.body.casePrev) problems.push(`the seal (entry ${seal.index}) names a head other than the entry before it`);
    if (checkpoint !== undefined && seal.index !== checkpoint.treeSize - 1) {
      problems.push(`the seal (entry ${seal.index}) is not the last entry of the signed tree of ${checkpoint.treeSize}, so the bundle may stop short of the case's latest entries`);
    }
  }
  if (manifest.case.entries !== sealSeq) problems.push(`${BUNDLE_FILES.manifest} says the case has ${manifest.case.entries} entries; the chain through its last entry has ${sealSeq}`);
  if (manifest.case.head !== seal.leaf) problems.push(`${BUNDLE_FILES.manifest} gives a case head other than the leaf hash of the last entry (${seal.index})`);
  if (manifest.entries.length !== sealSeq) problems.push(`${BUNDLE_FILES.manifest} lists ${manifest.entries.length} entries; the case's chain has ${sealSeq}`);
}

function checkDocuments(manifest: BundleManifest, entries: readonly CheckedEntry[], read: Reader, problems: string[]): void {
  const listed = new Map(manifest.documents.map((d) => [d.sha256, d]));
  const relied = new Set<string>();
  for (const e of entries) {
    for (const sha of e.body.documents) {
      relied.add(sha);
      if (!listed.has(sha)) problems.push(`document ${sha} (relied on by entry ${e.index}) is missing from ${BUNDLE_FILES.manifest}`);
    }
  }
  for (const d of manifest.documents) {
    if (!relied.has(d.sha256)) problems.push(`document ${d.sha256}: listed in ${BUNDLE_FILES.manifest}, but no entry relies on it`);
    if (d.file !== documentFileName(d.sha256, d.mediaType)) {
      problems.push(`document ${d.sha256}: ${BUNDLE_FILES.manifest} names the file ${d.file}, not ${documentFileName(d.sha256, d.mediaType)}`);
      continue;
    }
    const bytes = read(d.file, `document ${d.sha256} is missing: ${d.file} is not in the bundle`);
    if (bytes === undefined) continue;
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== d.sha256) problems.push(`document ${d.sha256}: ${d.file} hashes to ${sha}, not to its SHA-256 in ${BUNDLE_FILES.manifest}`);
  }
}

/** Files in `entries/` or `documents/` that bundle.json does not list: a reader could take them for evidence. */
function checkStrayFiles(dir: string, sub: string, listed: ReadonlySet<string>, problems: string[]): void {
  let names: string[];
  try {
    names = readdirSync(join(dir, sub));
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const file = `${sub}/${name}`;
    if (!listed.has(file)) problems.push(`${file} is in the bundle but not listed in ${BUNDLE_FILES.manifest}`);
  }
}
