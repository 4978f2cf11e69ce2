import { createHash, generateKeyPairSync } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evidenceKeyPath, loadOrCreateEvidenceKey, rawPublicKey, signBytes, verifyBytes } from '../../../hub/evidence/keys.js';
import { silent, tempDir } from '../../helpers/temp.js';
import { hubErrorOf } from '../hub-error.js';

const dirs: ReturnType<typeof tempDir>[] = [];
function dir(): ReturnType<typeof tempDir> {
  const d = tempDir('rollcall-evidence-key-');
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

describe('evidence signing key', () => {
  it('is created once (mode 0600, folder made) and read back with the same key id', () => {
    const d = dir();
    const path = join(d.dir, 'nested', 'evidence-key.pem');
    const created = loadOrCreateEvidenceKey(path, silent);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const again = loadOrCreateEvidenceKey(path, silent);
    expect(again.keyId).toBe(created.keyId);
    expect(created.keyId).toBe(createHash('sha256').update(rawPublicKey(created.publicKey)).digest('hex').slice(0, 16));
    expect(rawPublicKey(created.publicKey)).toHaveLength(32);
    expect(created.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const signature = signBytes(again, Buffer.from('text'));
    expect(signature).toHaveLength(64);
    expect(verifyBytes(created.publicKey, Buffer.from('text'), signature)).toBe(true);
    expect(verifyBytes(created.publicKey, Buffer.from('texT'), signature)).toBe(false);
    expect(verifyBytes(created.publicKey, Buffer.from('text'), Buffer.alloc(3))).toBe(false);
  });

  it('lives beside the database until the configuration names it', () => {
    expect(evidenceKeyPath('/var/lib/rollcall/hub.sqlite')).toBe('/var/lib/rollcall/evidence-key.pem');
  });

  it('refuses a broken, unreadable or wrong-type key file and leaves it as it was', () => {
    const d = dir();
    const broken = d.file('broken.pem');
    writeFileSync(broken, 'not a key\n');
    const err = hubErrorOf(() => loadOrCreateEvidenceKey(broken, silent));
    expect(err.code).toBe('EVIDENCE');
    expect(err.message).toContain(`the evidence signing key ${broken} is not a PEM private key`);
    expect(err.message).toMatch(/restore the file from a backup/);
    expect(readFileSync(broken, 'utf8')).toBe('not a key\n');

    const rsa = d.file('rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(hubErrorOf(() => loadOrCreateEvidenceKey(rsa, silent)).message).toContain('holds an rsa key, not an Ed25519 key');

    const publicOnly = d.file('public.pem');
    writeFileSync(publicOnly, generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }));
    expect(hubErrorOf(() => loadOrCreateEvidenceKey(publicOnly, silent)).message).toContain('is not a PEM private key');

    if (process.getuid?.() !== 0) {
      const locked = d.file('locked.pem');
      loadOrCreateEvidenceKey(locked, silent);
      chmodSync(locked, 0o000);
      expect(hubErrorOf(() => loadOrCreateEvidenceKey(locked, silent)).message).toMatch(/cannot be read \(EACCES/);
    }
  });
});
