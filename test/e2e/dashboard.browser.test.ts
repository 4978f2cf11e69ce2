import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../hub/auth/roles.js';
import { findChromium } from '../../hub/cases/notices/pdf.js';
import { ApiWorld, PASSWORD, USERS } from '../hub/api/api-world.js';

/** Where the tests leave their screenshots, for a person to look at (not compared). */
const SHOTS = fileURLToPath(new URL('../../test-results/dashboard/', import.meta.url));

/**
 * The dashboard in headless Chromium (the Debian package, driven by playwright-core) on a seeded
 * hub: 王小明 stopped coming on 2026-06-15 and it is the morning of 2026-06-18, his case has its
 * reminders and a draft return-to-work notice. Each role signs in, sees its pages, and is refused
 * the others' both by the page and by the API.
 */
describe('dashboard in a browser, per role', () => {
  const world = new ApiWorld();
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await world.start();
    browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await world.close();
  });

  /** A fresh browser context signed in as `role`; page errors and CSP violations are collected. */
  async function signedIn(role: Role): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    // Well inside the test's own timeout, so a step that never comes is named.
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`${role}: ${err.message}`));
    page.on('console', (m) => {
      // A 4xx answer shows as "Failed to load resource"; that is the API saying no, not a fault.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${role}: ${m.text()}`);
    });
    await page.goto(world.url);
    await page.locator('[data-view="sign-in"]').waitFor();
    await page.fill('#sign-in-username', USERS[role].username);
    await page.fill('#sign-in-password', PASSWORD);
    await page.click('[data-action="sign-in"]');
    await page.locator('[data-action="sign-out"]').waitFor();
    return page;
  }

  const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  /** What the API answers this page's session (cookie and CSRF token as the page has them). */
  const apiStatus = (page: Page, path: string): Promise<number> => page.evaluate(async (p) => (await fetch(p)).status, path);

  it('refuses a wrong password on the sign-in page, saying so', async () => {
    const page = await browser.newPage();
    await page.goto(world.url);
    await page.fill('#sign-in-username', USERS.hr.username);
    await page.fill('#sign-in-password', 'not the password');
    await page.click('[data-action="sign-in"]');
    await expect.poll(() => page.locator('[data-view="sign-in"]').innerText()).toMatch(/wrong user name or password/i);
    await shot(page, 'sign-in-refused');
    await page.close();
  });

  it('HR: sees the no-shows and the open case, approves the notice on the case page, is refused the terminals', async () => {
    const page = await signedIn('hr');
    await page.locator('[data-view="no-shows"] [data-table="no-shows"]').first().waitFor();
    expect(await page.locator('[data-view="no-shows"]').innerText()).toContain('王小明');
    await shot(page, 'hr-no-shows');

    await page.click('#nav a[data-nav="cases"]');
    const row = page.locator('[data-table="cases"] tr[data-case-id]');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    const text = await row.first().innerText();
    expect(text).toContain('王小明');
    expect(text).toContain('生产部');
    await shot(page, 'hr-cases');

    await row.first().locator('a').first().click();
    const caseView = page.locator('[data-view="case"]');
    await caseView.waitFor();
    expect(await page.locator('[data-table="ladder"]').innerText()).toMatch(/first-reminder|First reminder/);
    expect(await page.locator('[data-table="timeline"]').innerText()).toMatch(/case\.opened|opened/i);
    const approve = page.locator('[data-action="approve-notice"]');
    await approve.first().waitFor();
    const noticeId = await approve.first().getAttribute('data-notice-id');
    await shot(page, 'hr-case-before-approval');
    await approve.first().click();
    await page.locator(`[data-action="open-notice-html"][data-notice-id="${noticeId}"]`).waitFor();
    expect(await page.locator('[data-action="approve-notice"]').count()).toBe(0);
    await shot(page, 'hr-case-approved');
    // Approved on the record, by this user.
    const notice = world.story.cases.store.notice(Number(noticeId))!;
    expect(notice).toMatchObject({ state: 'approved', approvedBy: USERS.hr.username });

    await page.goto(`${world.url}/#/reports`);
    await page.locator('[data-view="reports"] svg[data-chart="trend"]').waitFor();
    await shot(page, 'hr-reports');

    await page.goto(`${world.url}/#/terminals`);
    await page.locator('[data-view="forbidden"]').waitFor();
    expect(await page.locator('[data-view="forbidden"]').innerText()).toMatch(/Your role \(hr\) cannot open this page/);
    await shot(page, 'hr-refused-terminals');
    expect(await apiStatus(page, '/api/v1/facilities')).toBe(403);
    expect(await apiStatus(page, '/api/v1/users')).toBe(403);
    expect(await apiStatus(page, '/api/v1/cases')).toBe(200);
    await page.context().close();
  });

  it('HR: the cases page updates live when the ladder moves, without a reload', async () => {
    const page = await signedIn('hr');
    await page.goto(`${world.url}/#/cases`);
    const row = page.locator('[data-table="cases"] tr[data-case-id]');
    await row.first().waitFor();
    await expect.poll(() => page.locator('#live').getAttribute('data-live')).toBe('on');
    const before = await row.first().innerText();
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    // The employee phones in: the case is acknowledged (as the API or the hub's loop would do it), and the pages are told.
    world.story.cases.acknowledge(1, { via: 'phone', text: '家里有急事，明天回来' });
    world.api.events.publish('cases');
    await expect.poll(() => row.first().getAttribute('data-state'), { timeout: 10_000 }).toBe('acknowledged');
    expect(await row.first().innerText()).not.toBe(before);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    await page.context().close();
  });

  it('facilities: sees terminals, gateways and alerts and a terminal\'s uptime, is refused cases and people', async () => {
    const page = await signedIn('facilities');
    await page.locator('[data-view="terminals"] [data-table="terminals"]').waitFor();
    const terminals = await page.locator('[data-table="terminals"]').innerText();
    expect(terminals).toContain('SN1');
    expect(terminals).toContain('Ver 6.60');
    expect(await page.locator('[data-view="terminals"]').innerText()).not.toContain('王小明');
    await shot(page, 'facilities-terminals');
    await page.locator('[data-action="open-terminal"]').first().click();
    await page.locator('[data-view="terminal"] svg[data-chart="uptime"]').waitFor();
    await shot(page, 'facilities-terminal-uptime');

    await page.goto(`${world.url}/#/cases`);
    await page.locator('[data-view="forbidden"]').waitFor();
    await shot(page, 'facilities-refused-cases');
    expect(await apiStatus(page, '/api/v1/cases')).toBe(403);
    expect(await apiStatus(page, '/api/v1/employees/E1')).toBe(403);
    expect(await apiStatus(page, '/metrics')).toBe(200);
    await page.context().close();
  });

  it('admin: sees the accounts and the configuration, is refused cases', async () => {
    const page = await signedIn('admin');
    const users = page.locator('[data-table="users"] tr[data-username]');
    await users.first().waitFor();
    expect((await users.evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-username')} ${r.getAttribute('data-role')}`))).sort()).toEqual(['admin.zhao admin', 'fac.wu facilities', 'hr.li hr']);
    await shot(page, 'admin-users');
    await page.goto(`${world.url}/#/config`);
    await page.locator('pre[data-block="config"]').waitFor();
    await shot(page, 'admin-config');
    await page.goto(`${world.url}/#/cases`);
    await page.locator('[data-view="forbidden"]').waitFor();
    expect(await apiStatus(page, '/api/v1/cases')).toBe(403);
    await page.click('[data-action="sign-out"]');
    await page.locator('[data-view="sign-in"]').waitFor();
    expect(await apiStatus(page, '/api/v1/users')).toBe(401);
    await page.context().close();
  });

  it('raised no page errors and no Content-Security-Policy violations', () => {
    expect(problems).toEqual([]);
  });
});
