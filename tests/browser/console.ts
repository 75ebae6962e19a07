import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildConsole } from '../../scripts/web-build';

/** Debian's Chromium (apt-get install chromium); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = () => fs.existsSync(CHROMIUM);

const SCREENSHOTS = path.resolve(__dirname, '../../docs/console');

/** The console must be built (npm install does it; this covers a changed checkout). */
export function ensureConsoleBuilt(): void {
  buildConsole({ quiet: true });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export interface ConsolePage {
  page: Page;
  /** Console errors and CSP violations seen so far (a strict CSP must not block our own code). */
  errors: string[];
  dialogs: string[];
}

/** A fresh browser context (own cookies) in the given language, at 1280 px unless told otherwise. */
export async function openConsole(browser: Browser, opts: { locale?: string; width?: number; height?: number } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ locale: opts.locale ?? 'en-GB', viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|404)/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, errors, dialogs };
}

export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel(/^(Email address|Adresse e-mail)/).fill(email);
  await page.getByLabel(/^(Password|Mot de passe)/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|Se connecter)$/ }).click();
  await page.getByRole('navigation').waitFor();
}

/** Writes docs/console/<name>.png (the docs show what the tests saw). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core run in the page (evaluated through the DevTools protocol, so the console's CSP
 * stays as strict as in production). Returns the serious and critical violations, readable.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(AXE_SOURCE);
  // A string, not a function: the root tsconfig has no DOM types. Frames are left out: the only
  // ones are the sandboxed mail HTML (the sender's markup, where axe's script cannot run anyway).
  const results = (await page.evaluate("axe.run(document, { resultTypes: ['violations'], iframes: false })")) as { violations: { id: string; impact: string; help: string; nodes: { target: string[]; html: string }[] }[] };
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`).slice(0, 5).join(', ')}`);
}
