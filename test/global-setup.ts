import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** End-to-end tests run the compiled CLI: build it once before any test file runs. */
export default function setup(): void {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
