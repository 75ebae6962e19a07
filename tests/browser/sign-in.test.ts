import type { Browser } from 'playwright-core';
import { addUser, TEST_SCRYPT_N } from '../auth/browser';
import { eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { axeViolations, chromiumAvailable, ensureConsoleBuilt, launchBrowser, openConsole, screenshot, signIn } from './console';

const PASSWORD = 'correct horse battery';

describeIfServer('Temporal dev server and Chromium', temporalAvailable() && chromiumAvailable())('console: signing in, out, invitations, roles', () => {
  jest.setTimeout(120_000);
  let mr: TestMailroom;
  let org: TestOrg;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    mr = await startTestMailroom({ roles: { api: true, worker: false }, env: { PASSWORD_SCRYPT_N: TEST_SCRYPT_N } });
    org = await mr.newOrganization('Aéroclub du Val');
    await addUser(mr.db.prisma, org.organizationId, { email: 'claire@aeroclub.example', password: PASSWORD, role: 'admin', name: 'Claire Martin' });
    await addUser(mr.db.prisma, org.organizationId, { email: 'paul@aeroclub.example', password: PASSWORD, role: 'staff', name: 'Paul' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await mr?.stop();
  });

  it('serves the console at / with a strict CSP, long-cached hashed assets and deep links', async () => {
    const root = await fetch(`${mr.url}/`, { headers: { Accept: 'text/html' } });
    expect(root.status).toBe(200);
    const csp = root.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const html = await root.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script at all
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(mr.url + asset);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${mr.url}/invite/some-token`, { headers: { Accept: 'text/html' } })).status).toBe(200);
    // The API keeps answering problem+json, never the console.
    const api = await fetch(`${mr.url}/api/v1/nope`, { headers: { Accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a wrong password with a message, signs in, and signs out', async () => {
    const { page, errors } = await openConsole(browser);
    await page.goto(mr.url);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Email address').fill('claire@aeroclub.example');
    await page.getByLabel(/^Password/).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Wrong email address or password.').waitFor();

    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Received mail' }).waitFor();
    await page.getByText('Aéroclub du Val').waitFor();
    for (const item of ['Received mail', 'Members', 'Sent mail', 'Invoice batches', 'Notifications', 'Settings']) {
      await page.getByRole('navigation').getByRole('link', { name: item }).waitFor();
    }
    // A reload keeps the session (cookie), and the menu signs out.
    await page.reload();
    await page.getByRole('button', { name: 'Claire Martin' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('speaks French to a French browser, and stores a switch to English on the user', async () => {
    const { page } = await openConsole(browser, { locale: 'fr-FR' });
    await page.goto(mr.url);
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await signIn(page, mr.url, 'paul@aeroclub.example', PASSWORD);
    await page.getByRole('heading', { name: 'Courrier reçu' }).waitFor();
    await page.getByRole('radiogroup', { name: 'Langue' }).getByText('EN').click();
    await page.getByRole('heading', { name: 'Received mail' }).waitFor();
    await eventually(async () => ((await mr.db.prisma.user.findUniqueOrThrow({ where: { email: 'paul@aeroclub.example' } })).language === 'en' ? true : undefined), 5000, 100);
    // Another browser (French) signing in as Paul gets his stored language.
    const other = await openConsole(browser, { locale: 'fr-FR' });
    await signIn(other.page, mr.url, 'paul@aeroclub.example', PASSWORD);
    await other.page.getByRole('heading', { name: 'Received mail' }).waitFor();
  });

  it('shows a staff user no admin settings, and the settings route refuses them', async () => {
    const { page } = await openConsole(browser);
    await signIn(page, mr.url, 'paul@aeroclub.example', PASSWORD);
    await page.getByRole('navigation').getByRole('link', { name: 'Members' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.goto(`${mr.url}/settings/smtp`);
    await page.getByText('Only administrators can change the settings.').waitFor();
    expect(await page.getByLabel('SMTP server').count()).toBe(0);
    // The API refuses the same session too (the console only reflects it).
    const status = await page.evaluate("fetch('/api/v1/settings/smtp').then((r) => r.status)");
    expect(status).toBe(403);
  });

  it('lets an invited user set a password and land in the console; a used link is refused', async () => {
    const invite = await org.admin.post('/api/v1/users/invitations', { email: 'lea@aeroclub.example', role: 'staff', name: 'Léa' });
    expect(invite.status).toBe(201);
    const path = new URL(invite.body.invitationUrl).pathname;
    const { page } = await openConsole(browser);
    await page.goto(mr.url + path);
    await page.getByText('You are joining Aéroclub du Val as a staff member.', { exact: false }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'invitation');
    await page.getByLabel('New password').fill('short');
    await page.getByLabel('Confirm the password').fill('short');
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    // The API's rule, shown next to the field it names.
    await page.getByText(/10/).first().waitFor();
    await page.getByLabel('New password').fill('a long enough password');
    await page.getByLabel('Confirm the password').fill('a long enough password');
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    await page.getByRole('heading', { name: 'Received mail' }).waitFor();

    const again = await openConsole(browser);
    await again.page.goto(mr.url + path);
    await again.page.getByText('This link is no longer valid').waitFor();
  });

  it('sends a reset link from "forgot password" without saying whether the account exists', async () => {
    const { page } = await openConsole(browser);
    await page.goto(mr.url);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email address').fill('nobody@aeroclub.example');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('If an account exists for this address').waitFor();
    await page.goto(`${mr.url}/reset-password/not-a-real-token`);
    await page.getByLabel('New password').fill('a long enough password');
    await page.getByLabel('Confirm the password').fill('a long enough password');
    await page.getByRole('button', { name: 'Save the password' }).click();
    await page.getByRole('alert').waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});
