import type { Browser } from 'playwright-core';
import { addUser, TEST_SCRYPT_N } from '../auth/browser';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { freePort } from '../helpers/ports';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { axeViolations, chromiumAvailable, ensureConsoleBuilt, launchBrowser, openConsole, screenshot, signIn } from './console';

const PASSWORD = 'correct horse battery';
const SECTIONS = ['Outgoing account', 'Mailbox', 'Structures', 'Templates', 'Alerts', 'Organisation', 'Users', 'API keys'];

describeIfServer('Temporal dev server and Chromium', temporalAvailable() && chromiumAvailable())('console: settings', () => {
  jest.setTimeout(120_000);
  let mr: TestMailroom;
  let org: TestOrg;
  let browser: Browser;
  let smtp: RecordingSmtpServer;

  beforeAll(async () => {
    ensureConsoleBuilt();
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ roles: { api: true, worker: false }, env: { PASSWORD_SCRYPT_N: TEST_SCRYPT_N } });
    org = await mr.newOrganization('Résidence Les Tilleuls');
    await addUser(mr.db.prisma, org.organizationId, { email: 'admin@tilleuls.example', password: PASSWORD, role: 'admin', name: 'Sophie' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await mr?.stop();
    await smtp?.close();
  });

  it('fills the SMTP form from a preset, explains a failed test, passes against a real server, and saves', async () => {
    const { page, errors } = await openConsole(browser);
    await signIn(page, mr.url, 'admin@tilleuls.example', PASSWORD);
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'SMTP account' }).waitFor();

    await page.getByLabel(/^Provider/).first().click();
    await page.getByRole('option', { name: 'OVHcloud (MX Plan, Email Pro)' }).click();
    expect(await page.getByLabel(/^SMTP server/).inputValue()).toBe('ssl0.ovh.net');
    expect(await page.getByLabel(/^Port/).inputValue()).toBe('465');
    expect(await page.getByRole('radio', { name: 'SSL/TLS' }).isChecked()).toBe(true);

    // Nothing listens on this port: the API's explanation is shown as it gives it.
    const closed = await freePort();
    await page.getByLabel(/^SMTP server/).fill('127.0.0.1');
    await page.getByLabel(/^Port/).fill(String(closed));
    await page.getByText('None', { exact: true }).click();
    await page.getByLabel(/^Sender address/).fill('factures@tilleuls.example');
    await page.getByRole('button', { name: 'Test the connection' }).click();
    const result = page.getByTestId('verify-result');
    await result.getByText('The connection failed').waitFor();
    await result.getByText(`127.0.0.1 refused the connection on port ${closed}.`).waitFor();
    expect(await result.textContent()).toContain('Check the port');
    await screenshot(page, 'settings-smtp-failed');

    await page.getByLabel(/^Port/).fill(String(smtp.port));
    await page.getByRole('button', { name: 'Test the connection' }).click();
    await result.getByText('The connection works').waitFor();
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.getByText('Saved').first().waitFor();
    const saved = await org.admin.get('/api/v1/settings/smtp');
    expect(saved.body.account).toMatchObject({ host: '127.0.0.1', port: smtp.port, security: 'none', fromAddress: 'factures@tilleuls.example' });
    await page.reload();
    await page.getByText('Mail currently leaves through').waitFor();
    expect(await page.getByLabel(/^SMTP server/).inputValue()).toBe('127.0.0.1');
    await screenshot(page, 'settings-smtp');
    expect(errors).toEqual([]);
  });

  it('shows the API error next to the field it names', async () => {
    const { page } = await openConsole(browser);
    await signIn(page, mr.url, 'admin@tilleuls.example', PASSWORD);
    await page.goto(`${mr.url}/settings/smtp`);
    await page.getByLabel(/^SMTP server/).fill('smtp.example');
    await page.getByLabel(/^Port/).fill('587');
    await page.getByLabel(/^Sender address/).fill('not an address');
    await page.getByRole('button', { name: 'Save' }).first().click();
    const field = page.getByLabel(/^Sender address/);
    await page.waitForFunction('document.querySelector(\'input[aria-invalid="true"]\') !== null');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
  });

  it('creates an API key shown once, then lists it by prefix and revokes it', async () => {
    const { page } = await openConsole(browser);
    await signIn(page, mr.url, 'admin@tilleuls.example', PASSWORD);
    await page.goto(`${mr.url}/settings/api-keys`);
    await page.getByRole('button', { name: 'New key' }).click();
    await page.getByLabel(/^Name/).fill('Booking website');
    await page.getByRole('button', { name: 'Create' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    // The key works for the API.
    expect((await fetch(`${mr.url}/api/v1/members`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
    await page.getByRole('button', { name: 'Close' }).first().click();
    const row = page.getByRole('row', { name: /Booking website/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(key.slice(0, 6));
    await row.getByRole('button', { name: 'Revoke the key Booking website' }).click();
    await row.getByText('Revoked').waitFor();
    expect((await fetch(`${mr.url}/api/v1/members`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(401);
  });

  it('has no serious accessibility violation on any settings section', async () => {
    const { page } = await openConsole(browser);
    await signIn(page, mr.url, 'admin@tilleuls.example', PASSWORD);
    await page.goto(`${mr.url}/settings/smtp`);
    for (const section of SECTIONS) {
      await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: section }).click();
      await page.getByRole('heading', { name: section === 'Outgoing account' ? 'Outgoing account' : section, level: 2 }).waitFor();
      expect({ section, violations: await axeViolations(page) }).toEqual({ section, violations: [] });
      if (section === 'Users' || section === 'Structures') await screenshot(page, `settings-${section.toLowerCase()}`);
    }
  });
});
