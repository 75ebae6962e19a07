import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { hashPassword } from '../../src/auth/passwords';
import type { TestMailroom, TestOrg } from '../helpers/mailroom';

export { chromiumAvailable, ensureConsoleBuilt, launchBrowser, openConsole, screenshot, signIn } from '../browser/console';

const PASSWORD = 'un mot de passe solide';

/** A staff account with a password (what accepting an invitation gives), for signing in through the page. */
export async function staffUser(mr: TestMailroom, org: TestOrg, role: 'admin' | 'staff', email: string) {
  await mr.db.prisma.user.create({ data: { organizationId: org.organizationId, email, name: email.split('@')[0], role, language: 'fr', passwordHash: await hashPassword(PASSWORD, 16384) } });
  return { email, password: PASSWORD };
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Like web's axeViolations, with each offending element's HTML so a failure says what to fix. Nothing is excluded. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as { violations: { id: string; impact: string; nodes: { html: string; failureSummary?: string }[] }[] };
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id}: ${n.html.slice(0, 200)} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 200)}`));
}
