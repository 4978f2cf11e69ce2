import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportCaseBundle } from '../../../hub/evidence/bundle-export.js';
import { PYTHON_CHECK } from '../../../hub/evidence/bundle-page.js';
import { verifyBundle } from '../../../hub/evidence/bundle-verify.js';
import { keyIdOf } from '../../../hub/evidence/keys.js';
import { hubErrorOf } from '../hub-error.js';
import { seedCase, type EvidenceWorld, worldsPerTest } from './evidence-db.js';

const world = worldsPerTest();

/** Case 7 exported: entries 1, 3, 5, 7 and the seal (entry 9), the notice and its receipt. */
function exported(): { w: EvidenceWorld; dir: string; notice: string; receipt: string } {
  const w = world();
  const docs = seedCase(w);
  const dir = w.dir.file('case-7');
  exportCaseBundle(w.log, 7, dir);
  return { w, dir, ...docs };
}

const manifestOf = (dir: string): Record<string, any> => JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8'));
const writeManifest = (dir: string, m: Record<string, any>): void => writeFileSync(join(dir, 'bundle.json'), JSON.stringify(m, null, 2));
const hasCommand = (cmd: string, arg: string): boolean => spawnSync(cmd, [arg]).status === 0;

describe('case evidence bundle', () => {
  it('seals the case, signs the tree after the seal, and writes every file', () => {
    const { w, dir, notice, receipt } = exported();
    const seal = w.log.caseEntries(7).at(-1)!;
    expect(seal).toMatchObject({ index: 9, caseSeq: 5, kind: 'case_sealed' });
    expect(JSON.parse(seal.body).data).toEqual({ entries: 4, head: w.log.entry(7)!.leafHash.toString('hex') });
    expect(w.log.latestCheckpoint()!.treeSize).toBe(10);
    expect(readdirSync(dir).sort()).toEqual(['VERIFY.html', 'bundle.json', 'checkpoint.sig', 'checkpoint.txt', 'documents', 'entries', 'public-key.pem']);
    expect(readdirSync(join(dir, 'entries')).sort()).toEqual(['1.json', '3.json', '5.json', '7.json', '9.json']);
    expect(readdirSync(join(dir, 'documents')).sort()).toEqual([`${notice}.pdf`, `${receipt}.png`].sort());
    for (const i of [1, 3, 5, 7, 9]) expect(readFileSync(join(dir, 'entries', `${i}.json`), 'utf8')).toBe(w.log.entry(i)!.body);
    const m = manifestOf(dir);
    expect(m).toMatchObject({ format: 'rollcall-evidence-bundle/1', caseId: 7, case: { entries: 5, head: seal.leafHash.toString('hex') } });
    expect(m.checkpoint).toEqual({ treeSize: 10, rootHash: w.log.root(10).toString('hex'), time: '2026-03-06T01:00:00.000Z', keyId: w.key.keyId });
    expect(m.documents.map((d: { name: string }) => d.name)).toEqual(['返岗通知书-E1004.pdf', 'EMS 回执.png']);
    expect(readFileSync(join(dir, 'checkpoint.sig'))).toHaveLength(64);
    const page = readFileSync(join(dir, 'VERIFY.html'), 'utf8');
    expect(page).toContain('openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in checkpoint.txt -sigfile checkpoint.sig');
    expect(page).toContain('本证据包证明什么');
    expect(page).toContain(w.key.keyId);
  });

  it('verifies untampered, with the bundle\'s key, the expected key, or the expected key id', () => {
    const { w, dir } = exported();
    const clean = { ok: true, problems: [], case: 7, entries: 5, documents: 2 };
    expect(verifyBundle(dir)).toMatchObject(clean);
    expect(verifyBundle(dir, { publicKeyPem: w.key.publicKeyPem })).toMatchObject(clean);
    expect(verifyBundle(dir, { expectedKeyId: w.key.keyId })).toMatchObject({ ...clean, checkpoint: { treeSize: 10, keyId: w.key.keyId } });
  });

  it.skipIf(!hasCommand('openssl', 'version'))('is checked by the openssl command VERIFY.html gives, which refuses an edited checkpoint', () => {
    const { dir } = exported();
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', 'public-key.pem', '-rawin', '-in', 'checkpoint.txt', '-sigfile', 'checkpoint.sig'];
    expect(execFileSync('openssl', args, { cwd: dir, encoding: 'utf8' })).toMatch(/Signature Verified Successfully/);
    writeFileSync(join(dir, 'checkpoint.txt'), readFileSync(join(dir, 'checkpoint.txt'), 'utf8').replace('size 10', 'size 11'));
    expect(spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' }).status).not.toBe(0);
  });

  it('has the leaf hash sha256sum computes as VERIFY.html shows', () => {
    const { dir } = exported();
    const out = execFileSync('sh', ['-c', "(printf '\\000'; cat entries/5.json) | sha256sum"], { cwd: dir, encoding: 'utf8' });
    expect(out.split(' ')[0]).toBe(manifestOf(dir).entries[2].leafHash);
  });

  it.skipIf(!hasCommand('python3', '--version'))('passes the python3 check VERIFY.html gives, which fails on an edited entry', () => {
    const { dir } = exported();
    expect(readFileSync(join(dir, 'VERIFY.html'), 'utf8')).toContain(PYTHON_CHECK.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'));
    const run = (): string => execFileSync('python3', ['-c', PYTHON_CHECK], { cwd: dir, encoding: 'utf8' });
    expect(run().trim().split('\n')).toEqual(['1 1 case_opened OK', '2 3 reminder_sent OK', '3 5 notice_issued OK', '4 7 notice_delivered OK', '5 9 case_sealed OK', 'OK']);
    const file = join(dir, 'entries', '5.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('2026-03-09', '2026-03-08'));
    expect(run()).toMatch(/3 5 notice_issued FAILED[\s\S]*\nFAILED\n$/);
  });

  it('refuses to export an unknown case or into a non-empty directory', () => {
    const { w, dir } = exported();
    expect(hubErrorOf(() => exportCaseBundle(w.log, 99, w.dir.file('none'))).message).toBe('case 99 has no evidence entries to export');
    expect(hubErrorOf(() => exportCaseBundle(w.log, 7, dir)).message).toMatch(/is not empty/);
    expect(w.log.size()).toBe(10);
  });
});

describe('a tampered bundle is refused with a specific problem', () => {
  function tampered(change: (b: ReturnType<typeof exported>) => void, options?: Parameters<typeof verifyBundle>[1]): string[] {
    const b = exported();
    change(b);
    const r = verifyBundle(b.dir, options);
    expect(r.ok).toBe(false);
    return r.problems;
  }
  const entryFile = (dir: string, index: number): string => join(dir, 'entries', `${index}.json`);

  it('an entry file edited by one byte', () => {
    const problems = tampered(({ dir }) => {
      const bytes = readFileSync(entryFile(dir, 5));
      bytes[bytes.indexOf('2026-03-09') + 9] = '8'.charCodeAt(0);
      writeFileSync(entryFile(dir, 5), bytes);
    });
    expect(problems).toContain('entry 5: file bytes do not hash to the leaf hash in bundle.json');
    expect(problems).toContain('entry 5: its file and inclusion proof do not lead to the signed root (tree of 10)');
  });

  it('an entry removed (its file and its bundle.json line)', () => {
    const problems = tampered(({ dir }) => {
      rmSync(entryFile(dir, 3));
      const m = manifestOf(dir);
      m.entries = m.entries.filter((e: { index: number }) => e.index !== 3);
      writeManifest(dir, m);
    });
    expect(problems).toContain('case chain broken after caseSeq 1 (entry 1): caseSeq 2 is missing; the next entry present is 5 (caseSeq 3)');
    expect(problems).toContain('bundle.json lists 4 entries; the case\'s chain has 5');
  });

  it('two entries reordered by swapping their files', () => {
    const problems = tampered(({ dir }) => {
      renameSync(entryFile(dir, 3), join(dir, 'swap'));
      renameSync(entryFile(dir, 5), entryFile(dir, 3));
      renameSync(join(dir, 'swap'), entryFile(dir, 5));
    });
    expect(problems).toContain('entry 3: file bytes do not hash to the leaf hash in bundle.json');
    expect(problems).toContain('entry 3: bundle.json says index 3, its file says 5');
    expect(problems).toContain('entry 5: bundle.json says caseSeq 3, its file says 2');
  });

  it('two entries reordered by swapping their indexes in bundle.json', () => {
    const problems = tampered(({ dir }) => {
      const m = manifestOf(dir);
      const [a, b] = [m.entries[1], m.entries[2]];
      [a.index, b.index, a.file, b.file] = [b.index, a.index, b.file, a.file];
      writeManifest(dir, m);
    });
    expect(problems).toContain('entry 5: file bytes do not hash to the leaf hash in bundle.json');
    expect(problems).toContain('entry 5: its file and inclusion proof do not lead to the signed root (tree of 10)');
    expect(problems).toContain('entry 3: bundle.json says caseSeq 3, its file says 2');
  });

  it('a document edited', () => {
    let notice = '';
    const problems = tampered((b) => {
      notice = b.notice;
      writeFileSync(join(b.dir, 'documents', `${notice}.pdf`), '%PDF-1.4\n返岗通知书 E1005\n%%EOF\n');
    });
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^document ${notice}: documents/${notice}\\.pdf hashes to [0-9a-f]{64}, not to its SHA-256 in bundle\\.json$`))]);
  });

  it('a document removed', () => {
    const problems = tampered(({ dir, receipt }) => rmSync(join(dir, 'documents', `${receipt}.png`)));
    expect(problems).toEqual([expect.stringMatching(/^document [0-9a-f]{64} is missing: documents\/[0-9a-f]{64}\.png is not in the bundle$/)]);
    const both = tampered(({ dir, receipt }) => {
      rmSync(join(dir, 'documents', `${receipt}.png`));
      const m = manifestOf(dir);
      m.documents = m.documents.filter((d: { sha256: string }) => d.sha256 !== receipt);
      writeManifest(dir, m);
    });
    expect(both).toEqual([expect.stringMatching(/^document [0-9a-f]{64} \(relied on by entry 7\) is missing from bundle\.json$/)]);
  });

  it('the checkpoint text edited: its size, or its root', () => {
    const edit = (from: RegExp, to: string) => (b: { dir: string }) => {
      const file = join(b.dir, 'checkpoint.txt');
      writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
    };
    const size = tampered(edit(/size 10/, 'size 9'));
    expect(size).toContain('checkpoint.sig: the signature of checkpoint.txt does not verify with public-key.pem');
    expect(size).toContain('bundle.json gives the checkpoint size 10, checkpoint.txt says 9');
    expect(size).toContain('entry 9: its file and inclusion proof do not lead to the signed root (tree of 9)');
    const root = tampered(edit(/root \S+/, `root ${Buffer.alloc(32, 7).toString('base64')}`));
    expect(root).toContain('checkpoint.sig: the signature of checkpoint.txt does not verify with public-key.pem');
    expect(root).toContain('entry 1: its file and inclusion proof do not lead to the signed root (tree of 10)');
  });

  it('the signature replaced', () => {
    const problems = tampered(({ dir }) => {
      const text = readFileSync(join(dir, 'checkpoint.txt'));
      writeFileSync(join(dir, 'checkpoint.sig'), sign(null, text, generateKeyPairSync('ed25519').privateKey));
    });
    expect(problems).toEqual(['checkpoint.sig: the signature of checkpoint.txt does not verify with public-key.pem']);
  });

  it('the public key replaced by another valid key', () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' });
    const problems = tampered(({ dir }) => writeFileSync(join(dir, 'public-key.pem'), other));
    expect(problems).toContain('checkpoint.sig: the signature of checkpoint.txt does not verify with public-key.pem');
    expect(problems).toContainEqual(expect.stringMatching(/^checkpoint\.txt names key [0-9a-f]{16}, but the public key's id is [0-9a-f]{16}$/));
  });

  it('the key replaced and the checkpoint re-signed by another key: caught only against the known key or key id', () => {
    const resign = ({ dir, w }: ReturnType<typeof exported>): void => {
      const attacker = generateKeyPairSync('ed25519');
      const keyId = keyIdOf(attacker.publicKey);
      const text = readFileSync(join(dir, 'checkpoint.txt'), 'utf8').replace(w.key.keyId, keyId);
      writeFileSync(join(dir, 'checkpoint.txt'), text);
      writeFileSync(join(dir, 'checkpoint.sig'), sign(null, Buffer.from(text), attacker.privateKey));
      writeFileSync(join(dir, 'public-key.pem'), attacker.publicKey.export({ format: 'pem', type: 'spki' }));
      const m = manifestOf(dir);
      m.checkpoint.keyId = keyId;
      writeManifest(dir, m);
    };
    const b = exported();
    resign(b);
    expect(verifyBundle(b.dir)).toMatchObject({ ok: true, problems: [] });
    const byKey = verifyBundle(b.dir, { publicKeyPem: b.w.key.publicKeyPem });
    expect(byKey.ok).toBe(false);
    expect(byKey.problems).toContainEqual(expect.stringMatching(new RegExp(`^public-key\\.pem \\(key id [0-9a-f]{16}\\) is not the expected public key \\(key id ${b.w.key.keyId}\\)$`)));
    expect(byKey.problems).toContain('checkpoint.sig: the signature of checkpoint.txt does not verify with the expected public key');
    const byId = verifyBundle(b.dir, { expectedKeyId: b.w.key.keyId });
    expect(byId.problems).toEqual([expect.stringMatching(new RegExp(`^public-key\\.pem has key id [0-9a-f]{16}, not the expected ${b.w.key.keyId}$`))]);
  });

  it('the seal removed', () => {
    const problems = tampered(({ dir }) => {
      rmSync(entryFile(dir, 9));
      const m = manifestOf(dir);
      m.entries = m.entries.filter((e: { kind: string }) => e.kind !== 'case_sealed');
      writeManifest(dir, m);
    });
    expect(problems).toContain('case chain does not end in a case_sealed entry: the last entry present is 7 (caseSeq 4, notice_delivered), so entries after it may be missing');
  });

  it('stopping at an earlier seal, with the later entries left out', () => {
    const b = exported();
    b.w.log.append({ kind: 'termination_notice', caseId: 7, employeeId: 'E1004', atMs: b.w.clock.ms, data: {} });
    const later = b.w.dir.file('case-7-later');
    exportCaseBundle(b.w.log, 7, later);
    for (const i of [10, 11]) rmSync(entryFile(later, i));
    const m = manifestOf(later);
    m.entries = m.entries.filter((e: { index: number }) => e.index < 10);
    m.case = { entries: 5, head: m.entries[4].leafHash };
    writeManifest(later, m);
    expect(verifyBundle(later).problems).toEqual(['the seal (entry 9) is not the last entry of the signed tree of 12, so the bundle may stop short of the case\'s latest entries']);
    expect(verifyBundle(b.dir).ok).toBe(true);
  });

  it('bundle.json edited to claim fewer entries', () => {
    const claim = tampered(({ dir }) => {
      const m = manifestOf(dir);
      m.case.entries = 4;
      writeManifest(dir, m);
    });
    expect(claim).toEqual(['bundle.json says the case has 4 entries; the chain through its last entry has 5']);
    const unlisted = tampered(({ dir }) => {
      const m = manifestOf(dir);
      m.entries = m.entries.filter((e: { index: number }) => e.index !== 7);
      writeManifest(dir, m);
    });
    expect(unlisted).toContain('entries/7.json is in the bundle but not listed in bundle.json');
    expect(unlisted).toContain('case chain broken after caseSeq 3 (entry 5): caseSeq 4 is missing; the next entry present is 9 (caseSeq 5)');
  });

  it('bundle.json unreadable or not a bundle', () => {
    expect(tampered(({ dir }) => writeFileSync(join(dir, 'bundle.json'), '{'))).toEqual([expect.stringMatching(/^bundle\.json is not JSON/)]);
    expect(tampered(({ dir }) => writeManifest(dir, { ...manifestOf(dir), format: 'other/1' }))[0]).toMatch(/^bundle\.json: format: /);
    expect(tampered(({ dir }) => rmSync(join(dir, 'bundle.json')))).toEqual(['bundle.json cannot be read: ENOENT']);
  });
});
