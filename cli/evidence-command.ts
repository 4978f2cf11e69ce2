import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportCaseBundle } from '../hub/evidence/bundle-export.js';
import { verifyBundle } from '../hub/evidence/bundle-verify.js';
import { evidenceKeyPath, loadOrCreateEvidenceKey } from '../hub/evidence/keys.js';
import { EvidenceLog } from '../hub/evidence/log.js';
import { CliError } from './cli-error.js';
import { withHubDatabase } from './hub-database.js';

export const EVIDENCE_USAGE = `Usage: rollcall evidence export --case N [--out DIR] [--config hub.yaml]
       rollcall evidence verify BUNDLE_DIR [--key public-key.pem]

  export   seals case N's evidence and writes a bundle that can be checked without rollcall
           (default DIR: case-N-evidence; it must not exist or be empty)
  verify   recomputes a bundle's hashes, proofs, chain and signature from its files alone;
           --key checks the signature against the employer's public key instead of the
           bundle's own (without it, a bundle re-signed with another key still verifies)

Exit code of verify: 0 when the bundle verifies, 1 when it does not (each problem listed).
`;

export async function runEvidenceCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'hub.yaml' },
      case: { type: 'string' },
      out: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(EVIDENCE_USAGE);
    return;
  }
  const [action, ...rest] = positionals;
  switch (action) {
    case 'export': {
      if (rest.length > 0) throw new CliError(`unexpected argument "${rest[0]}"\n\n${EVIDENCE_USAGE}`);
      if (values.case === undefined || !/^\d+$/.test(values.case)) throw new CliError(`--case N (a case number) is required\n\n${EVIDENCE_USAGE}`);
      return exportCommand(values.config, Number(values.case), values.out ?? `case-${values.case}-evidence`);
    }
    case 'verify': {
      const [dir, ...extra] = rest;
      if (dir === undefined || extra.length > 0) throw new CliError(`name one bundle directory\n\n${EVIDENCE_USAGE}`);
      return verifyCommand(dir, values.key);
    }
    default:
      throw new CliError(`unknown evidence action "${action}"\n\n${EVIDENCE_USAGE}`);
  }
}

async function exportCommand(configPath: string, caseId: number, out: string): Promise<void> {
  await withHubDatabase(configPath, (db, config, logger) => {
    const key = loadOrCreateEvidenceKey(evidenceKeyPath(config.database.path), logger);
    const bundle = exportCaseBundle(new EvidenceLog({ db, key, logger }), caseId, resolve(out));
    process.stdout.write(
      `case ${caseId}: ${bundle.entries} entries (through the seal), ${bundle.documents} documents, ` +
        `checkpoint of ${bundle.checkpoint.treeSize} entries signed by key ${bundle.checkpoint.keyId}\n` +
        `written to ${bundle.dir}; open VERIFY.html there for how to check it\n`,
    );
  });
}

function verifyCommand(dir: string, keyFile: string | undefined): void {
  let publicKeyPem: Buffer | undefined;
  if (keyFile !== undefined) {
    try {
      publicKeyPem = readFileSync(keyFile);
    } catch (err) {
      throw new CliError(`cannot read ${keyFile}: ${(err as Error).message}`, 1);
    }
  }
  const r = verifyBundle(dir, publicKeyPem === undefined ? {} : { publicKeyPem });
  const what = `case ${r.case ?? '?'}: ${r.entries} entries, ${r.documents} documents`;
  const signed = r.checkpoint === null ? 'no readable checkpoint' : `checkpoint of ${r.checkpoint.treeSize} entries at ${r.checkpoint.time}, key ${r.checkpoint.keyId}`;
  if (r.ok) {
    const trust = keyFile === undefined ? ' (signed by the key in the bundle; pass --key to check it is the employer\'s)' : ` (signed by the key in ${keyFile})`;
    process.stdout.write(`verified: ${what}; ${signed}${trust}\n`);
    return;
  }
  process.stdout.write(`NOT VERIFIED: ${what}; ${signed}\n${r.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exitCode = 1;
}
