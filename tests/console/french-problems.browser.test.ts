import net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { chromiumAvailable, ensureConsoleBuilt, launchBrowser, openConsole, seriousViolations, signIn, staffUser } from './browser';

const TINY_PDF = Buffer.from('%PDF-1.4\n%tiny test invoice\n%%EOF\n').toString('base64');
const main = (page: Page) => page.locator('main').innerText();

/**
 * A console switched to French says in French what the API and the engine report in
 * English: a refused form, a service the server lacks, a failed invoice and a message
 * whose recipient was refused — and the English words stay out of sight.
 */
describeIfServer('Temporal dev server and Chromium', temporalAvailable() && chromiumAvailable())('console in French: problems and failures in the reader’s language', () => {
  jest.setTimeout(180_000);
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;
  let browser: Browser;
  let page: Page;
  let batchId = '';
  let refusedId = '';
  let deadPort = 0;

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    // No Google or Microsoft sign-in configured on this server.
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, INVOICE_BATCH_RATE_PER_MINUTE: '600' } });
    org = await mr.newOrganization('Résidence du Parc');
    const admin = await staffUser(mr, org, 'admin', 'direction@parc.example');
    await mr.db.prisma.user.update({ where: { email: admin.email }, data: { language: 'en' } }); // starts in English

    // An invoice batch whose structure sends through a server on a private network: refused by Mailroom itself.
    const structure = (await org.admin.post('/api/v1/structures', { name: 'Résidence du Parc', senderName: 'Le Parc', senderEmail: 'factures@parc.example' })).body;
    expect((await org.admin.put(`/api/v1/settings/smtp?structureId=${structure.id}`, { host: '10.20.30.40', port: 25, security: 'none', fromAddress: 'factures@parc.example' })).status).toBe(200);
    const member = (await org.staff.post('/api/v1/members', { firstName: 'Josiane', lastName: 'Mailly', structureId: structure.id, emails: [{ address: 'josiane.mailly@example.org' }] })).body;
    expect((await org.staff.post('/api/v1/invoices', { number: 'F2410-1', period: '2024-10', memberId: member.id, structureId: structure.id, amountExclTax: 2100, amountInclTax: 2215.5, pdfBase64: TINY_PDF })).status).toBe(201);
    batchId = (await org.staff.post('/api/v1/invoice-batches', { period: '2024-10', structureId: structure.id })).body.id;
    await eventually(async () => (await org.staff.get(`/api/v1/invoice-batches/${batchId}`)).body.items.items[0]?.status === 'failed', 60_000, 250);

    // A message sent to two recipients, one refused by the mail server at RCPT TO.
    smtp.failNext({ stage: 'rcpt', count: 1, code: 550, message: '5.1.1 <inconnu@example.org>: Recipient address rejected', recipients: ['inconnu@example.org'] });
    refusedId = (await org.staff.post('/api/v1/emails', { to: ['josiane.mailly@example.org', 'inconnu@example.org'], subject: 'Menu de la semaine', text: 'Bonjour' })).body.id;
    await eventually(async () => (await org.staff.get(`/api/v1/sent-emails/${refusedId}`)).body.status === 'sent', 60_000, 250);

    // A bounce mailbox on a port where nothing listens: reading it fails, with a connection-test code.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect((await org.admin.put('/api/v1/settings/delivery', { mailbox: { host: '127.0.0.1', port: deadPort, security: 'none', username: 'rapports', password: 'rapports-pass' } })).status).toBe(200);
    await org.staff.post('/api/v1/sent-emails/sync', {});
    const mailbox = await eventually(async () => (await org.admin.get('/api/v1/settings/delivery')).body.mailbox?.lastErrorCode && (await org.admin.get('/api/v1/settings/delivery')).body.mailbox, 60_000, 250);
    expect(mailbox).toMatchObject({ lastErrorCode: 'CONNECTION_REFUSED', lastErrorParams: { host: '127.0.0.1', port: deadPort } });

    ensureConsoleBuilt();
    browser = await launchBrowser();
    ({ page } = await openConsole(browser, { locale: 'en-GB', height: 900 }));
    await signIn(page, mr.url, admin.email, admin.password);
    // The language switch in the header.
    await page.getByRole('radiogroup', { name: 'Language' }).getByText('FR', { exact: true }).click();
    await page.waitForFunction("document.documentElement.lang === 'fr'");
  });
  afterAll(async () => {
    await browser?.close();
    await mr?.stop();
    await smtp?.close();
  });

  it('puts the API’s field errors under the fields in French', async () => {
    await page.goto(`${mr.url}/settings/alerts`);
    await page.getByLabel('URL du webhook').fill('pas une adresse');
    await page.getByLabel('Secret de signature du webhook').fill('court');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('adresse web non valable', { exact: true }).waitFor();
    await page.getByText('au moins 16 caractères', { exact: true }).waitFor();
    const text = await main(page);
    expect(text).not.toMatch(/Invalid URL|Too small|expected string/);
    expect(await page.getByLabel('URL du webhook').getAttribute('aria-invalid')).toBe('true');
  });

  it('says in French that Google sign-in is not configured on this server', async () => {
    await page.goto(`${mr.url}/settings/smtp`);
    await page.getByRole('button', { name: 'Utiliser mon compte Gmail' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Non configuré' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('La connexion avec Google n’est pas configurée sur ce serveur');
    expect(await main(page)).not.toMatch(/not configured|sign-in is/);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('explains in French why an invoice could not be sent, and why a recipient of a message was refused', async () => {
    await page.goto(`${mr.url}/invoices/batches/${batchId}`);
    const failure = page.locator('[data-failure="NOT_PUBLIC_ADDRESS"]').first();
    await failure.waitFor();
    expect(await failure.innerText()).toBe('Les connexions vers 10.20.30.40 ne sont pas autorisées : ce n’est pas une adresse publique d’Internet.');
    expect(await main(page)).not.toMatch(/Connections to|not allowed|public Internet/);

    // The invoice's own message says the same.
    const invoiceMessage = (await org.staff.get(`/api/v1/invoice-batches/${batchId}`)).body.items.items[0].sentEmailId as string;
    await page.goto(`${mr.url}/sent/${invoiceMessage}`);
    await page.locator('[data-failure="NOT_PUBLIC_ADDRESS"]').first().waitFor();
    expect(await main(page)).not.toMatch(/Connections to|not allowed/);

    await page.goto(`${mr.url}/sent/${refusedId}`);
    const refused = page.locator('[data-failure="RECIPIENTS_REFUSED"]');
    await refused.waitFor();
    expect(await refused.innerText()).toBe('Destinataires refusés par le serveur : inconnu@example.org.');
    expect(await main(page)).not.toContain('refused recipients');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('says in French why the delivery-report mailbox could not be read', async () => {
    await page.goto(`${mr.url}/sent`);
    const alert = page.getByTestId('bounce-mailbox-error');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('La boîte des rapports de distribution n’a pas pu être lue');
    expect(await alert.innerText()).toContain(`127.0.0.1 refuse la connexion sur le port ${deadPort}.`);
    expect(await main(page)).not.toMatch(/refused the connection|Could not reach/);
  });
});
