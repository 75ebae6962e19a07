import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hashPassword } from '../../src/auth/passwords';
import { buildConsole } from '../../scripts/web-build';
import type { TestMailroom, TestOrg } from '../helpers/mailroom';

/**
 * Browser tests of web2's screens: Debian's Chromium driven by playwright-core against the real
 * service. (web's shared browser helper replaces this once it lands; same launch flags.)
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = () => fs.existsSync(CHROMIUM);
export const SCREENSHOTS = path.resolve(__dirname, '../../docs/console');

export async function launchBrowser(): Promise<Browser> {
  buildConsole({ log: () => undefined });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

const PASSWORD = 'un mot de passe solide';

/** A staff account with a password (what accepting an invitation gives), for signing in through the page. */
export async function staffUser(mr: TestMailroom, org: TestOrg, role: 'admin' | 'staff', email: string) {
  await mr.db.prisma.user.create({ data: { organizationId: org.organizationId, email, name: email.split('@')[0], role, language: 'fr', passwordHash: await hashPassword(PASSWORD, 16384) } });
  return { email, password: PASSWORD };
}

export async function signIn(page: Page, baseUrl: string, user: { email: string; password: string }, at = '/'): Promise<void> {
  await page.goto(baseUrl + at);
  await page.locator('input[type=email]').fill(user.email);
  await page.locator('input[type=password]').fill(user.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('navigation').first().waitFor();
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated through the DevTools protocol, so the strict CSP stays on); serious and critical violations only. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; help: string; targets: string[] }[]> {
  await page.evaluate(AXE);
  // A string, not a function: the test project has no DOM types.
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: { id: string; impact: string; help: string; nodes: { target: string[]; html: string }[] }[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`) }));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
