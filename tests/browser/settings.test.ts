import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
  // Stands in for Google's consent page: the console must send the browser there.
  let consent: http.Server;
  let consentUrl = '';

  beforeAll(async () => {
    ensureConsoleBuilt();
    smtp = await startRecordingSmtpServer();
    // Its "Deny" sends the browser back as Google does when the user refuses.
    consent = http.createServer((req, res) => {
      const asked = new URL(req.url ?? '/', 'http://consent.test');
      const back = `${asked.searchParams.get('redirect_uri')}?error=access_denied&state=${encodeURIComponent(asked.searchParams.get('state') ?? '')}`;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<html lang="en"><title>Consent</title><h1>Consent</h1><a href="${back.replace(/&/g, '&amp;')}">Deny</a></html>`);
    });
    await new Promise<void>((resolve) => consent.listen(0, '127.0.0.1', resolve));
    consentUrl = `http://127.0.0.1:${(consent.address() as AddressInfo).port}/o/oauth2/v2/auth`;
    mr = await startTestMailroom({
      roles: { api: true, worker: false },
      env: { PASSWORD_SCRYPT_N: TEST_SCRYPT_N, GMAIL_OAUTH_CLIENT_ID: 'console-test-client', GMAIL_OAUTH_CLIENT_SECRET: 'console-test-secret', GMAIL_OAUTH_AUTHORIZE_URL: consentUrl },
    });
    org = await mr.newOrganization('Résidence Les Tilleuls');
    await addUser(mr.db.prisma, org.organizationId, { email: 'admin@tilleuls.example', password: PASSWORD, role: 'admin', name: 'Sophie' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await mr?.stop();
    await smtp?.close();
    await new Promise((resolve) => consent?.close(resolve));
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
    // Asked first: cancelling keeps the key working.
    const dialog = page.getByRole('dialog', { name: 'Revoke the key Booking website?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await fetch(`${mr.url}/api/v1/members`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
    await row.getByRole('button', { name: 'Revoke the key Booking website' }).click();
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await row.getByText('Revoked').waitFor();
    expect((await fetch(`${mr.url}/api/v1/members`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(401);
  });

  it('fills the mailbox form from a preset, explains a failed test in French, connects and disconnects after confirmation', async () => {
    const { page, errors } = await openConsole(browser, { locale: 'fr-FR' });
    await signIn(page, mr.url, 'admin@tilleuls.example', PASSWORD);
    await page.goto(`${mr.url}/settings/mailbox`);
    await page.getByText("Aucune boîte n'est encore connectée.").waitFor();
    await page.getByRole('combobox', { name: 'Fournisseur' }).click();
    await page.getByRole('option', { name: 'Infomaniak' }).click();
    expect(await page.getByLabel(/^Serveur IMAP/).inputValue()).toBe('mail.infomaniak.com');
    expect(await page.getByLabel(/^Port/).inputValue()).toBe('993');
    expect(await page.getByRole('radio', { name: 'SSL/TLS' }).isChecked()).toBe(true);
    await page.getByRole('combobox', { name: 'Fournisseur' }).click();
    await page.getByRole('option', { name: 'Gmail / Google Workspace' }).click();
    expect(await page.getByLabel(/^Serveur IMAP/).inputValue()).toBe('imap.gmail.com');
    expect(await page.getByTestId('preset-note').textContent()).toContain('mot de passe d’application');
    // The Gmail preset offers Google's sign-in (and only it).
    await page.getByRole('button', { name: 'Connecter Gmail' }).waitFor();
    expect(await page.getByRole('button', { name: 'Connecter Microsoft 365' }).count()).toBe(0);

    const closed = await freePort();
    await page.getByLabel(/^Serveur IMAP/).fill('127.0.0.1');
    await page.getByLabel(/^Port/).fill(String(closed));
    await page.getByText('Aucune', { exact: true }).click();
    await page.getByLabel(/^Identifiant/).fill('documents');
    await page.getByLabel(/^Mot de passe/).fill('secret');
    await page.getByRole('button', { name: 'Tester la connexion' }).click();
    const result = page.getByTestId('verify-result');
    await result.getByText(`127.0.0.1 a refusé la connexion sur le port ${closed}.`).waitFor();
    expect(await result.textContent()).toContain('IMAP utilise le port 993 avec SSL/TLS');
    expect(await result.textContent()).not.toMatch(/refused|Check/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'settings-mailbox');

    await page.getByRole('button', { name: 'Connecter', exact: true }).click();
    await page.getByText('Boîte enregistrée ; elle est relevée dès maintenant.').waitFor();
    expect((await org.admin.get('/api/v1/settings/mailbox')).body).toMatchObject({ host: '127.0.0.1', port: closed, username: 'documents', passwordSet: true });
    await page.getByRole('button', { name: 'Déconnecter la boîte' }).click();
    const dialog = page.getByRole('dialog', { name: 'Déconnecter la boîte ?' });
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await org.admin.get('/api/v1/settings/mailbox')).status).toBe(200);
    await page.getByRole('button', { name: 'Déconnecter la boîte' }).click();
    await dialog.getByRole('button', { name: 'Déconnecter', exact: true }).click();
    await page.getByText("Boîte déconnectée ; elle n'est plus relevée.").waitFor();
    await page.getByText("Aucune boîte n'est encore connectée.").waitFor();
    expect((await org.admin.get('/api/v1/settings/mailbox')).status).toBe(404);
    expect(await page.getByLabel(/^Serveur IMAP/).inputValue()).toBe('');
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);

    // "Connecter Gmail" runs the mailbox consent: the browser leaves for the provider with the IMAP scope.
    await page.getByRole('combobox', { name: 'Fournisseur' }).click();
    await page.getByRole('option', { name: 'Gmail / Google Workspace' }).click();
    await page.getByRole('button', { name: 'Connecter Gmail' }).click();
    await page.waitForURL((u) => u.href.startsWith(consentUrl));
    const asked = new URL(page.url());
    expect(asked.searchParams.get('client_id')).toBe('console-test-client');
    expect(asked.searchParams.get('scope')).toContain('https://mail.google.com/');
    expect(asked.searchParams.get('redirect_uri')).toBe(`${mr.url}/api/v1/settings/gmail/callback`);
    // Refused at the provider: back on the mailbox page, told why in French, the address bar clean.
    await page.getByRole('link', { name: 'Deny' }).click();
    await page.getByText('La connexion n’a pas abouti (access_denied).').waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/settings/mailbox');
  });

  it('deletes a structure after confirmation, refusing in plain words while its invoices are being sent; resets a template', async () => {
    const { page } = await openConsole(browser, { locale: 'fr-FR' });
    const busy = (await org.admin.post('/api/v1/structures', { name: 'Résidence occupée' })).body;
    await org.admin.post('/api/v1/structures', { name: 'Résidence à fermer' });
    await mr.db.prisma.invoiceBatch.create({ data: { organizationId: org.organizationId, structureId: busy.id, period: '2024-09', total: 3, status: 'running' } });
    await signIn(page, mr.url, 'admin@tilleuls.example', PASSWORD);
    await page.goto(`${mr.url}/settings/structures`);
    await page.getByRole('button', { name: 'Supprimer la structure Résidence occupée' }).click();
    let dialog = page.getByRole('dialog', { name: 'Supprimer la structure Résidence occupée ?' });
    await dialog.getByRole('button', { name: 'Supprimer la structure' }).click();
    await dialog.getByTestId('delete-refused').getByText(/L'envoi des factures de 2024-09 de cette structure est encore en cours/).waitFor();
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await page.getByRole('button', { name: 'Supprimer la structure Résidence à fermer' }).click();
    dialog = page.getByRole('dialog', { name: 'Supprimer la structure Résidence à fermer ?' });
    await dialog.getByText(/Ses membres restent, sans structure/).waitFor();
    await dialog.getByRole('button', { name: 'Supprimer la structure' }).click();
    await page.getByText('Structure supprimée.').waitFor();
    await page.getByRole('cell', { name: 'Résidence à fermer' }).waitFor({ state: 'detached' });
    expect((await org.admin.get('/api/v1/structures')).body.items.map((x: { name: string }) => x.name)).toContain('Résidence occupée');

    await page.goto(`${mr.url}/settings/templates`);
    const source = page.getByTestId('template-source');
    await source.getByText('Texte par défaut').waitFor();
    const subject = page.getByLabel(/^Sujet/);
    const original = await subject.inputValue();
    expect(await page.getByRole('button', { name: 'Revenir au texte par défaut' }).count()).toBe(0);
    await subject.fill('Un sujet à nous');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await source.getByText("Texte de l'organisation").waitFor();
    await page.getByRole('button', { name: 'Revenir au texte par défaut' }).click();
    await page.getByRole('dialog', { name: 'Revenir au texte par défaut ?' }).getByRole('button', { name: 'Rétablir' }).click();
    await source.getByText('Texte par défaut').waitFor();
    expect(await page.getByLabel(/^Sujet/).inputValue()).toBe(original);
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
