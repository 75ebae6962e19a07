import type { Browser, Page } from 'playwright-core';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { seriousViolations, chromiumAvailable, ensureConsoleBuilt, launchBrowser, openConsole, screenshot, signIn, staffUser } from './browser';

const TINY_PDF = Buffer.from('%PDF-1.4\n%tiny test invoice\n%%EOF\n').toString('base64');

describeIfServer('Temporal dev server and Chromium', temporalAvailable() && chromiumAvailable())('console: an invoice batch sent and followed in the browser, then the sent-mail log', () => {
  jest.setTimeout(180_000);
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;
  let browser: Browser;
  let page: Page;
  let staff: { email: string; password: string };
  let admin: { email: string; password: string };
  let batchUrl = '';

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, INVOICE_BATCH_RATE_PER_MINUTE: '600', INVOICE_BATCH_CHUNK_SIZE: '50', INVOICE_BATCH_CONCURRENCY: '2' } });
    org = await mr.newOrganization('EHPAD Les Tilleuls');
    staff = await staffUser(mr, org, 'staff', 'secretariat@tilleuls.example');
    admin = await staffUser(mr, org, 'admin', 'direction@tilleuls.example');
    const structure = (await org.admin.post('/api/v1/structures', { name: 'Résidence Les Tilleuls', senderName: 'Les Tilleuls', senderEmail: 'facturation@tilleuls.example' })).body;
    await org.admin.put('/api/v1/templates/invoice', { structureId: structure.id, subject: 'Facture &numero', text: 'Vous trouverez ci-joint la facture de &personne pour la période de &periode' });
    const residents: [string, string, string[]][] = [
      ['Josiane', 'Mailly', ['josiane.mailly@example.org']],
      ['Henri', 'Bernard', ['henri.bernard@example.org', 'fille.bernard@example.org']],
      ['Lucie', 'Caron', ['lucie.caron@example.org']],
      ['Marcel', 'Dupont', ['marcel.dupont@example.org']],
      ['Odette', 'Favre', []],
    ];
    let n = 0;
    for (const [firstName, lastName, emails] of residents) {
      const m = (await org.staff.post('/api/v1/members', { firstName, lastName, structureId: structure.id, emails: emails.map((address) => ({ address })) })).body;
      n += 1;
      const inv = await org.staff.post('/api/v1/invoices', { number: `F2409-${n}`, period: '2024-09', memberId: m.id, structureId: structure.id, amountExclTax: 2100 + n, amountInclTax: 2215.5, pdfBase64: TINY_PDF });
      expect(inv.status).toBe(201);
    }
    // Three old log entries for the purge.
    for (let i = 0; i < 3; i += 1) {
      await mr.db.prisma.sentEmail.create({ data: { organizationId: org.organizationId, idempotencyKey: `old-${i}`, fromAddress: 'x@example.org', to: ['old@example.org'], subject: `Ancien ${i}`, messageId: `<old-${i}@example.org>`, status: 'sent', queuedAt: new Date(Date.now() - 800 * 86_400_000) } });
    }
    ensureConsoleBuilt();
    browser = await launchBrowser();
    ({ page } = await openConsole(browser, { locale: 'fr-FR', height: 900 }));
  });
  afterAll(async () => {
    await browser?.close();
    await mr?.stop();
    await smtp?.close();
  });

  it('lists the residents of the period, says who will not receive it and why, and previews one message', async () => {
    await signIn(page, mr.url, staff.email, staff.password);
    await page.goto(`${mr.url}/invoices?period=2024-09`);
    await page.getByRole('table', { name: 'Factures à envoyer' }).waitFor();
    expect(await page.getByTestId('candidate-row').count()).toBe(4);
    await page.getByRole('heading', { name: '4 résidents peuvent recevoir la facture de septembre 2024' }).waitFor();
    const excluded = page.getByTestId('excluded-row');
    expect(await excluded.count()).toBe(1);
    expect(await excluded.textContent()).toContain('FAVRE Odette');
    expect(await excluded.textContent()).toContain('aucune adresse e-mail sur la fiche');

    await page.getByRole('button', { name: 'Aperçu du message pour MAILLY Josiane' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('preview-text').waitFor();
    expect(await dialog.getByTestId('preview-text').textContent()).toBe('Vous trouverez ci-joint la facture de MAILLY Josiane pour la période de septembre 2024');
    expect(await dialog.textContent()).toContain('josiane.mailly@example.org');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'invoices-preview');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('sends the invoices of 3 residents ticked in the table and follows the batch to completion without reloading', async () => {
    for (const [name, number] of [['MAILLY Josiane', 'F2409-1'], ['BERNARD Henri', 'F2409-2'], ['CARON Lucie', 'F2409-3']]) {
      await page.getByRole('checkbox', { name: `Sélectionner ${name} (facture ${number})` }).check();
    }
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'invoices-candidates');
    await page.getByRole('button', { name: 'Envoyer 3 factures' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirmer l’envoi' });
    await confirm.getByRole('button', { name: 'Envoyer 3 factures' }).click();
    await page.waitForURL(/\/invoices\/batches\//);
    batchUrl = page.url();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    await page.locator('[data-testid="batch-status"][data-status="completed"]').waitFor({ timeout: 90_000 });
    expect(navigations).toEqual([]); // the progress came by polling, not by reloading
    expect(await page.getByTestId('progress-sent').textContent()).toBe('4');
    expect(await page.getByTestId('progress-failed').textContent()).toBe('0');
    expect(await page.getByTestId('progress-summary').textContent()).toBe('4 sur 4 messages traités');
    expect(await page.locator('[data-testid="batch-item"][data-status="sent"]').count()).toBe(4);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'invoices-batch');

    // Each address got its invoice, and nobody else did.
    const messages = await smtp.waitForMessages(4, 10_000);
    const byAddress = new Map(messages.flatMap((m) => m.envelope.rcptTo.map((to) => [to, m] as const)));
    expect([...byAddress.keys()].sort()).toEqual(['fille.bernard@example.org', 'henri.bernard@example.org', 'josiane.mailly@example.org', 'lucie.caron@example.org']);
    for (const m of messages) {
      expect(m.parsed.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
      expect(m.parsed.text).toMatch(/^Vous trouverez ci-joint la facture de (MAILLY Josiane|BERNARD Henri|CARON Lucie) pour la période de septembre 2024/);
    }
  });

  it('shows the batch in the history', async () => {
    await page.goto(`${mr.url}/invoices?tab=history`);
    const table = page.getByRole('table', { name: 'Historique des envois' });
    await table.getByText('4 envoyées sur 4, 0 en échec').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'invoices-history');
    await table.getByRole('link').first().click();
    await page.waitForURL(batchUrl);
  });

  it('shows the messages in the sent-mail log with their status badges, and the message as sent', async () => {
    await page.goto(`${mr.url}/sent`);
    await page.getByRole('table', { name: 'Messages envoyés' }).waitFor();
    await page.locator('[data-testid="sent-row"]').first().waitFor();
    await page.getByLabel('Rechercher').fill('facture');
    await page.getByText('1–4 sur 4').waitFor();
    const rows = page.locator('[data-testid="sent-row"]');
    expect(await rows.count()).toBe(4);
    for (let i = 0; i < 4; i += 1) expect(await rows.nth(i).locator('[data-status]').first().textContent()).toBe('Envoyé');
    // A staff user gets no purge button (the API refuses it too).
    expect(await page.getByRole('button', { name: 'Suppression collective' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sent-log');

    await rows.first().getByRole('link').first().click();
    await page.getByRole('heading', { name: 'En-têtes tels qu’envoyés' }).waitFor();
    expect(await page.getByRole('link', { name: 'Télécharger le .eml' }).getAttribute('href')).toMatch(/\/api\/v1\/sent-emails\/.+\/eml$/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sent-message');

    await page.goto(`${mr.url}/sent/stats`);
    await page.getByTestId('stats-total').waitFor();
    expect(await page.getByTestId('stats-total').textContent()).toBe('4'); // the old entries are outside the last 30 days
    await page.locator('.recharts-surface').first().waitFor();
    expect(await page.getByRole('img', { name: /Graphique des messages envoyés par jour/ }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sent-stats');
  });

  it('lets an administrator purge in bulk: it shows how many will go, asks to confirm and reports the count', async () => {
    const { page: adminPage } = await openConsole(browser, { locale: 'fr-FR', height: 900 });
    await signIn(adminPage, mr.url, admin.email, admin.password);
    await adminPage.goto(`${mr.url}/sent`);
    await adminPage.getByRole('button', { name: 'Suppression collective' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Supprimer des messages du journal' });
    await dialog.getByText('3 messages seront supprimés définitivement.').waitFor();
    expect(await seriousViolations(adminPage)).toEqual([]);
    await screenshot(adminPage, 'sent-purge');
    await dialog.getByRole('button', { name: 'Supprimer 3 messages' }).click();
    await adminPage.getByText('3 messages supprimés.').waitFor();
    expect(await mr.db.prisma.sentEmail.count({ where: { organizationId: org.organizationId } })).toBe(4);
    await adminPage.context().close();
  });

  it('selects every resident of the period over pages never loaded, unticks one on page 2, and the batch holds all the others', async () => {
    const structure = (await org.admin.post('/api/v1/structures', { name: 'Résidence Les Acacias', senderEmail: 'facturation@acacias.example' })).body;
    const invoices = [];
    for (let i = 1; i <= 53; i += 1) {
      const n = String(i).padStart(2, '0');
      const m = (await org.staff.post('/api/v1/members', { firstName: 'Henri', lastName: `Acacia${n}`, structureId: structure.id, emails: [{ address: `acacia${n}@example.org` }] })).body;
      invoices.push({ number: `A08-${n}`, period: '2024-08', memberId: m.id, structureId: structure.id, amountExclTax: 1900, amountInclTax: 2000, pdfBase64: TINY_PDF });
    }
    expect((await org.staff.post('/api/v1/invoices', { invoices })).status).toBe(201);
    await page.goto(`${mr.url}/invoices?structure=${structure.id}&period=2024-08`);
    await page.getByRole('heading', { name: '53 résidents peuvent recevoir la facture de août 2024' }).waitFor();
    expect(await page.getByTestId('candidate-row').count()).toBe(50); // one page, not the whole period
    await page.getByRole('checkbox', { name: 'Tout sélectionner' }).check();
    await page.getByTestId('all-selected').getByText('Les 53 factures de la période sont sélectionnées, sur toutes les pages.').waitFor();
    await page.getByRole('button', { name: 'Page 2' }).click();
    await page.getByRole('checkbox', { name: 'Sélectionner ACACIA52 Henri (facture A08-52)' }).uncheck();
    expect(await page.getByRole('checkbox', { name: 'Sélectionner ACACIA53 Henri (facture A08-53)' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Envoyer 52 factures' }).click();
    await page.getByRole('dialog', { name: 'Confirmer l’envoi' }).getByRole('button', { name: 'Envoyer 52 factures' }).click();
    await page.waitForURL(/\/invoices\/batches\//);
    await page.getByTestId('progress-summary').getByText(/sur 52 messages traités$/).waitFor();
    // The batch holds the 52 others (the server expanded "all but one"); it need not be followed to the end here.
    const batchId = page.url().split('/').pop()!;
    const items = (await org.staff.get(`/api/v1/invoice-batches/${batchId}?pageSize=100`)).body.items.items as { address: string }[];
    expect(items).toHaveLength(52);
    expect(items.map((i) => i.address)).not.toContain('acacia52@example.org');
    expect(items.map((i) => i.address)).toContain('acacia53@example.org');
    await org.staff.post(`/api/v1/invoice-batches/${batchId}/cancel`);
  });
});
