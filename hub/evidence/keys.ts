import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { HubError } from '../errors.js';

/** The hub's Ed25519 key that signs evidence checkpoints. */
export interface EvidenceKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Hex SHA-256 of the raw 32-byte public key, first 16 characters: short enough to read aloud, long enough not to collide. */
  keyId: string;
  /** SubjectPublicKeyInfo PEM: what `openssl pkeyutl -verify -pubin` reads. */
  publicKeyPem: string;
}

/** Where the key lives until the configuration names it: beside the hub database. */
export function evidenceKeyPath(databasePath: string): string {
  return join(dirname(databasePath), 'evidence-key.pem');
}

/**
 * Reads the hub's PKCS#8 PEM key, or creates one (mode 0600) when the file does not exist. A file
 * that exists but cannot be read or is not an Ed25519 private key is an error, never replaced: every
 * checkpoint signed so far is only as good as this key, and a silently new key would make the next
 * bundle disagree with the key id HR gave the panel.
 */
export function loadOrCreateEvidenceKey(path: string, logger: Logger): EvidenceKey {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw keyFileError(path, `cannot be read (${(err as Error).message})`, err);
    const created = createKeyFile(path);
    if (created !== undefined) {
      const key = evidenceKeyFrom(created.privateKey);
      logger.info({ path, keyId: key.keyId }, 'created the evidence signing key; back it up, bundles are checked against its key id');
      return key;
    }
    // Another hub process created it between our read and our write: read theirs.
    pem = readFileSync(path, 'utf8');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw keyFileError(path, `is not a PEM private key (${(err as Error).message})`, err);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw keyFileError(path, `holds an ${privateKey.asymmetricKeyType ?? 'unknown'} key, not an Ed25519 key`);
  return evidenceKeyFrom(privateKey);
}

/** A fresh key in memory, for tests and throwaway logs. */
export function generateEvidenceKey(): EvidenceKey {
  return evidenceKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

export function evidenceKeyFrom(privateKey: KeyObject): EvidenceKey {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

/** The key id of a public key (also of a public-key.pem read back from a bundle). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

/** The 32 raw bytes of an Ed25519 public key: the end of its SPKI encoding. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32);
}

/** Ed25519 signs the bytes themselves (no pre-hash), which `openssl pkeyutl -rawin` reproduces. */
export function signBytes(key: EvidenceKey, bytes: Uint8Array): Buffer {
  return sign(null, bytes, key.privateKey);
}

export function verifyBytes(publicKey: KeyObject, bytes: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}

function createKeyFile(path: string): { privateKey: KeyObject } | undefined {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    mkdirSync(dirname(path), { recursive: true });
    // wx: never overwrite a key that appeared meanwhile.
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw keyFileError(path, `cannot be created (${(err as Error).message})`, err);
  }
  return { privateKey };
}

function keyFileError(path: string, what: string, cause?: unknown): HubError {
  return new HubError(
    'EVIDENCE',
    `the evidence signing key ${path} ${what}; restore the file from a backup (it is never replaced, as bundles already given out name its key id), or move it away to have the hub create a new key`,
    cause === undefined ? {} : { cause },
  );
}
