import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../hub/cases/notices/pdf.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/dashboard/', import.meta.url));

/**
 * The README's main job as a new user meets it: `rollcall demo` prints the dashboard's address
 * and the demo accounts; signing in as HR shows the cases of the two people who stopped coming a
 * week ago, one of them with the return-to-work notice waiting for approval.
 */
describe('the demo opens a dashboard a new user can click through', () => {
  let demo: ChildProcess | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    if (demo !== undefined && demo.exitCode === null) {
      const exited = once(demo, 'exit');
      demo.kill('SIGTERM');
      await exited;
    }
  });

  it('signs in as HR with the printed password and finds 张伟\'s case and its draft notice', async () => {
    demo = spawn(process.execPath, [CLI, 'demo', '--port', '0', '--mqtt-port', '0', '--api-port', '0', '--records', '6000', '--users', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    demo.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    demo.stderr!.resume();
    await expect.poll(() => out, { timeout: 30_000 }).toMatch(/dashboard: (http:\/\/127\.0\.0\.1:\d+)\/ .* password (demo-[0-9a-f]+)/);
    const [, url, password] = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\/ .* password (demo-[0-9a-f]+)/.exec(out)!;

    browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
    await page.goto(url!);
    await page.fill('#sign-in-username', 'hr');
    await page.fill('#sign-in-password', password!);
    await page.click('[data-action="sign-in"]');
    await page.locator('[data-view="no-shows"]').waitFor();
    await page.click('#nav a[data-nav="cases"]');
    // Detection's first runs judge the week; the page hears of the cases live.
    const dropout = page.locator('[data-table="cases"] tr[data-case-id]', { hasText: '张伟' });
    await dropout.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}demo-cases.png`, fullPage: true });
    await dropout.locator('a').first().click();
    await page.locator('[data-view="case"] [data-action="approve-notice"]').first().waitFor();
    expect(await page.locator('[data-view="case"]').innerText()).toMatch(/Return-to-work notice/i);
    await page.screenshot({ path: `${SHOTS}demo-case.png`, fullPage: true });
  }, 90_000);
});
