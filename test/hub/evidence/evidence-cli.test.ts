import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHubDatabase } from '../../../hub/db/database.js';
import { evidenceKeyPath, loadOrCreateEvidenceKey } from '../../../hub/evidence/keys.js';
import { EvidenceLog } from '../../../hub/evidence/log.js';
import { silent, tempDir } from '../../helpers/temp.js';
import { seedCase } from './evidence-db.js';

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const dir = tempDir('rollcall-evidence-cli-');
afterAll(() => dir.cleanup());

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir.dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

let keyId = '';

beforeAll(() => {
  writeFileSync(dir.file('hub.yaml'), 'database:\n  path: ./data/hub.sqlite\nsites:\n  - id: plant\n    timeZone: Asia/Shanghai\n');
  const dbPath = dir.file('data/hub.sqlite');
  const key = loadOrCreateEvidenceKey(evidenceKeyPath(dbPath), silent);
  keyId = key.keyId;
  const db = openHubDatabase({ path: dbPath, logger: silent });
  try {
    const clock = { ms: Date.parse('2026-03-02T09:00:00+08:00') };
    seedCase({ clock, log: new EvidenceLog({ db, key, logger: silent, now: () => clock.ms }) });
  } finally {
    db.close();
  }
});

describe('rollcall evidence (compiled CLI)', () => {
  it('exports a case bundle that verifies, with and without the employer\'s key; a tampered one exits 1', async () => {
    const exported = await run(['evidence', 'export', '--case', '7', '--out', 'bundle-7', '--config', 'hub.yaml']);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`case 7: 5 entries (through the seal), 2 documents, checkpoint of 10 entries signed by key ${keyId}`);

    const verified = await run(['evidence', 'verify', 'bundle-7']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`^verified: case 7: 5 entries, 2 documents; checkpoint of 10 entries at \\S+, key ${keyId} \\(signed by the key in the bundle; pass --key`));
    writeFileSync(dir.file('employer.pem'), readFileSync(dir.file('bundle-7/public-key.pem')));
    expect((await run(['evidence', 'verify', 'bundle-7', '--key', 'employer.pem'])).code).toBe(0);

    writeFileSync(dir.file('other.pem'), generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }));
    const otherKey = await run(['evidence', 'verify', 'bundle-7', '--key', 'other.pem']);
    expect(otherKey.code).toBe(1);
    expect(otherKey.stdout).toContain('checkpoint.sig: the signature of checkpoint.txt does not verify with the expected public key');

    const file = join(dir.dir, 'bundle-7', 'entries', '5.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('2026-03-09', '2026-03-19'));
    const tampered = await run(['evidence', 'verify', 'bundle-7']);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/^NOT VERIFIED: case 7/);
    expect(tampered.stdout).toContain('  - entry 5: file bytes do not hash to the leaf hash in bundle.json\n');
  });

  it('says what is wrong with a request, and exits 1 for a case without evidence', async () => {
    const unknown = await run(['evidence', 'export', '--case', '99', '--out', 'bundle-99']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('rollcall: case 99 has no evidence entries to export [EVIDENCE]\n');
    const noCase = await run(['evidence', 'export']);
    expect(noCase.code).toBe(2);
    expect(noCase.stderr).toMatch(/--case N \(a case number\) is required/);
    const noDir = await run(['evidence', 'verify']);
    expect(noDir.code).toBe(2);
    const missing = await run(['evidence', 'verify', 'nowhere']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('bundle.json cannot be read: ENOENT');
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/evidence +export a case's signed evidence bundle/);
  });
});
