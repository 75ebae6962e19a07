import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { addUser, TEST_SCRYPT_N } from '../auth/browser';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot';
import { eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import * as m from '../reception/mails';
import { axeViolations, chromiumAvailable, ensureConsoleBuilt, launchBrowser, openConsole, screenshot, signIn } from './console';

const PASSWORD = 'correct horse battery';
const USER = 'documents';
const PASS = 'club-pass';

/** A mail whose HTML tries every way to run code; each way would call the trap server. */
function trappedMail(trap: string) {
  const html = [
    `<script>fetch('${trap}/script'); alert('script')</script>`,
    `<p onclick="fetch('${trap}/onclick')">Bonjour, voici la newsletter.</p>`,
    `<img src="x" onerror="fetch('${trap}/onerror'); alert('onerror')">`,
    `<svg onload="fetch('${trap}/svg')"></svg>`,
    `<iframe src="javascript:fetch('${trap}/iframe')"></iframe>`,
    `<a href="javascript:fetch('${trap}/link')">lien</a>`,
    `<body onload="fetch('${trap}/body')">`,
  ].join('\n');
  return ['From: Newsletter <news@spam.example>', 'To: documents@aeroclub.example', 'Subject: Newsletter piégée', 'Message-ID: <trap.1@spam.example>', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', html, ''].join('\r\n');
}

describeIfServer('Temporal dev server, Dovecot and Chromium', temporalAvailable() && dovecotAvailable() && chromiumAvailable())('console: received mail', () => {
  jest.setTimeout(180_000);
  let dovecot: TestDovecot;
  let mr: TestMailroom;
  let org: TestOrg;
  let browser: Browser;
  let trap: http.Server;
  const trapped: string[] = [];
  let trapUrl = '';

  beforeAll(async () => {
    ensureConsoleBuilt();
    trap = http.createServer((req, res) => {
      trapped.push(req.url ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    dovecot = await startDovecot();
    dovecot.addUser(USER, PASS);
    mr = await startTestMailroom({ env: { PASSWORD_SCRYPT_N: TEST_SCRYPT_N } });
    org = await mr.newOrganization('Club de parachutisme');
    await addUser(mr.db.prisma, org.organizationId, { email: 'secretariat@club.example', password: PASSWORD, role: 'staff', name: 'Martine' });
    await org.staff.post('/api/v1/members', { firstName: 'Josiane', lastName: 'Mailly', licenceNumber: 'FFP-20417', emails: [{ address: 'josiane.mailly@example.org' }] });
    await org.staff.post('/api/v1/members', { firstName: 'Paul', lastName: 'Durand', licenceNumber: 'FFP-11111', emails: [{ address: 'paul@example.org' }] });
    for (let i = 1; i <= 11; i++) await dovecot.appendMessage(USER, PASS, 'INBOX', m.simple('paul@example.org', `Inscription saut ${i}`));
    // The certificate comes from an address nobody has: it stays unassigned.
    await dovecot.appendMessage(USER, PASS, 'INBOX', m.certificat('josiane.perso@example.net'));
    await dovecot.appendMessage(USER, PASS, 'INBOX', trappedMail(trapUrl));
    const put = await org.admin.put('/api/v1/settings/mailbox', { host: dovecot.host, port: dovecot.port, security: 'none', username: USER, password: PASS, pollIntervalSeconds: 3600 });
    expect(put.status).toBe(200);
    await org.staff.post('/api/v1/mailbox/poll');
    await eventually(async () => {
      const s = (await org.staff.get('/api/v1/mailbox/status')).body;
      return Object.values(s.counts as Record<string, number>).reduce((a, b) => a + b, 0) >= 13 ? s : undefined;
    }, 60_000, 250);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await mr?.stop();
    await dovecot?.close();
    await new Promise((resolve) => trap?.close(resolve));
  });

  it('pages through received mail 10 at a time with the total, and filters the unassigned ones', async () => {
    const { page, errors } = await openConsole(browser);
    await signIn(page, mr.url, 'secretariat@club.example', PASSWORD);
    const rows = page.getByRole('table', { name: 'Received mail' }).locator('tbody tr');
    await page.getByTestId('page-summary').getByText('1–10 of 13').waitFor();
    expect(await rows.count()).toBe(10);
    await page.getByText('Last poll:').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'received');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('page-summary').getByText('11–13 of 13').waitFor();
    expect(await rows.count()).toBe(3);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByTestId('page-summary').getByText('1–10 of 13').waitFor();
    // Filters.
    await page.getByText('Unassigned', { exact: true }).click();
    await page.getByTestId('page-summary').getByText('1–2 of 2').waitFor();
    await page.getByText(/no member has the address josiane\.perso@example\.net/).waitFor();
    expect(errors).toEqual([]);
  });

  it('finds the unassigned certificate by search (accents ignored), assigns it with the pencil, and its attachment lands in the member\'s documents', async () => {
    const { page, errors } = await openConsole(browser);
    await signIn(page, mr.url, 'secretariat@club.example', PASSWORD);
    await page.getByRole('searchbox', { name: 'Search' }).fill('certificat medical');
    await page.getByTestId('page-summary').getByText('1–1 of 1').waitFor();
    const row = page.getByRole('row', { name: /Certificat médical 2026/ });
    await row.getByRole('img', { name: '1 attachment' }).waitFor();
    await row.getByRole('button', { name: 'Assign the mail “Certificat médical 2026”' }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign to a member' });
    await dialog.getByRole('textbox', { name: /^Member/ }).fill('FFP-204');
    await page.getByRole('option', { name: /Josiane Mailly · FFP-20417/ }).click();
    await dialog.getByLabel(/Add josiane\.perso@example\.net to the member's addresses/).check();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'assign');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await page.getByText('Mail assigned and address added to the member.').waitFor();
    await row.getByRole('link', { name: 'Josiane Mailly' }).click();

    await page.getByRole('heading', { name: 'Josiane Mailly' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'josiane.perso@example.net' }).waitFor();
    await page.getByRole('tab', { name: 'Documents' }).click();
    await page.getByRole('table', { name: 'Documents' }).getByRole('link', { name: 'certificat médical.pdf', exact: true }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'member-documents');
    await page.getByRole('tab', { name: 'Received mail' }).click();
    await page.getByRole('table', { name: 'Received mail' }).getByText('Certificat médical 2026').waitFor();
    for (const tab of ['Sent mail', 'Notifications', 'Balance', 'Validities']) {
      await page.getByRole('tab', { name: tab }).click();
      expect({ tab, violations: await axeViolations(page) }).toEqual({ tab, violations: [] });
    }
    expect(errors).toEqual([]);
  });

  it('shows a mail whose HTML carries scripts without running any of them', async () => {
    const { page, dialogs } = await openConsole(browser);
    await signIn(page, mr.url, 'secretariat@club.example', PASSWORD);
    await page.getByRole('searchbox', { name: 'Search' }).fill('piégée');
    await page.getByRole('link', { name: 'Open the mail “Newsletter piégée”' }).click();
    const frame = page.frameLocator('iframe[title="Content of the mail “Newsletter piégée”"]');
    await frame.getByText('Bonjour, voici la newsletter.').waitFor();
    const sandbox = await page.locator('iframe').getAttribute('sandbox');
    expect(sandbox).not.toContain('allow-scripts');
    expect(sandbox).not.toContain('allow-same-origin');
    await frame.getByText('Bonjour, voici la newsletter.').click();
    await frame.getByText('lien').click({ timeout: 2000 }).catch(() => undefined);
    await page.waitForTimeout(1000);
    expect(trapped).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'mail');
  });

  it('fits a phone: the navigation hides behind the burger', async () => {
    const { page } = await openConsole(browser, { width: 390, height: 844 });
    await signIn(page, mr.url, 'secretariat@club.example', PASSWORD).catch(() => undefined);
    await page.getByRole('heading', { name: 'Received mail' }).waitFor();
    const box = await page.getByRole('link', { name: 'Members' }).boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(0); // slid out of the screen
    await page.getByRole('button', { name: 'Show or hide the menu' }).click();
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'phone-members');
  });
});
