import http from 'node:http';
import type { AddressInfo } from 'node:net';
import PDFDocument from 'pdfkit';
import type { Browser, Page } from 'playwright-core';
import { addUser, TEST_SCRYPT_N } from '../auth/browser';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot';
import { eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import * as m from '../reception/mails';
import { bounceInvalidText } from '../../src/delivery/reasons';
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

/** A real PDF (the browser's viewer must open it), an SVG and an HTML page, as attachments. */
async function attachmentsMail() {
  const doc = new PDFDocument();
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  doc.text('Attestation de vol - Paul Durand');
  doc.end();
  const pdf = await new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const part = (type: string, name: string, body: Buffer) => ['--mix', `Content-Type: ${type}; name="${name}"`, `Content-Disposition: attachment; filename="${name}"`, 'Content-Transfer-Encoding: base64', '', body.toString('base64').replace(/.{76}/g, '$&\r\n')];
  return [
    'From: Paul Durand <paul@example.org>', 'To: documents@aeroclub.example', 'Subject: =?UTF-8?Q?Pi=C3=A8ces_jointes_vari=C3=A9es?=', 'Message-ID: <attachments.1@example.org>', 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"', '', '--mix', 'Content-Type: text/plain; charset=utf-8', '', 'Voici mes documents.',
    ...part('application/pdf', 'attestation.pdf', pdf),
    ...part('image/svg+xml', 'dessin.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>')),
    ...part('text/html', 'page.html', Buffer.from('<html><body><script>alert(1)</script>page</body></html>')),
    '--mix--', '',
  ].join('\r\n');
}

/** The frame showing the PDF: Chromium's viewer puts an <embed> in the document it makes for it. */
async function pdfViewerShown(page: Page): Promise<boolean> {
  for (const frame of page.frames()) {
    if (!frame.url().includes('disposition=inline')) continue;
    if (await frame.evaluate("document.querySelector('embed') !== null").catch(() => false)) return true;
  }
  return false;
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
    await dovecot.appendMessage(USER, PASS, 'INBOX', await attachmentsMail());
    const put = await org.admin.put('/api/v1/settings/mailbox', { host: dovecot.host, port: dovecot.port, security: 'none', username: USER, password: PASS, pollIntervalSeconds: 3600 });
    expect(put.status).toBe(200);
    await org.staff.post('/api/v1/mailbox/poll');
    await eventually(async () => {
      const s = (await org.staff.get('/api/v1/mailbox/status')).body;
      return Object.values(s.counts as Record<string, number>).reduce((a, b) => a + b, 0) >= 14 ? s : undefined;
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
    await page.getByTestId('page-summary').getByText('1–10 of 14').waitFor();
    expect(await rows.count()).toBe(10);
    await page.getByText('Last poll:').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'received');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('page-summary').getByText('11–14 of 14').waitFor();
    expect(await rows.count()).toBe(4);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByTestId('page-summary').getByText('1–10 of 14').waitFor();
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

  it('previews a PDF attachment inline, keeps SVG and HTML to download only, and explains in French why a mail is not assigned', async () => {
    const { page, errors } = await openConsole(browser, { locale: 'fr-FR' });
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await signIn(page, mr.url, 'secretariat@club.example', PASSWORD);
    await page.getByRole('searchbox', { name: 'Rechercher' }).fill('piégée');
    await page.getByText("Non attribué — aucun membre n'a l'adresse news@spam.example").waitFor();

    await page.getByRole('searchbox', { name: 'Rechercher' }).fill('pièces jointes');
    await page.getByRole('link', { name: 'Voir le mail « Pièces jointes variées »' }).click();
    const cards = page.getByTestId('attachment');
    await cards.filter({ hasText: 'attestation.pdf' }).waitFor();
    for (const name of ['dessin.svg', 'page.html']) {
      const card = cards.filter({ hasText: name });
      await card.getByText('Téléchargement seulement').waitFor();
      expect(await card.getByRole('button', { name: /Aperçu/ }).count()).toBe(0);
    }
    await cards.filter({ hasText: 'attestation.pdf' }).getByRole('button', { name: 'Aperçu de attestation.pdf' }).click();
    const dialog = page.getByRole('dialog', { name: 'attestation.pdf' });
    await dialog.getByTestId('pdf-preview').waitFor();
    await eventually(() => pdfViewerShown(page).then((shown) => shown || undefined), 15_000, 200);
    expect(await dialog.getByTestId('pdf-preview').getAttribute('sandbox')).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'attachment-preview');
    expect(downloads).toEqual([]);

    // Asked inline anyway, what could run scripts comes as a download.
    const mail = (await org.staff.get('/api/v1/received-mails?q=variées')).body.items[0];
    const attachments = (await org.staff.get(`/api/v1/received-mails/${mail.id}`)).body.attachmentList as { filename: string; contentUrl: string }[];
    for (const a of attachments.filter((x) => x.filename !== 'attestation.pdf')) {
      const res = await page.request.get(`${mr.url}${a.contentUrl}?disposition=inline`);
      expect({ file: a.filename, status: res.status(), disposition: res.headers()['content-disposition']?.split(';')[0] }).toEqual({ file: a.filename, status: 200, disposition: 'attachment' });
    }

    // The member's documents tab has the same eye.
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'Paul Durand' }).click();
    await page.getByRole('tab', { name: 'Documents' }).click();
    const docs = page.getByRole('table', { name: 'Documents' });
    await docs.getByRole('button', { name: 'Aperçu de attestation.pdf' }).click();
    await page.getByRole('dialog', { name: 'attestation.pdf' }).getByTestId('pdf-preview').waitFor();
    await eventually(() => pdfViewerShown(page).then((shown) => shown || undefined), 15_000, 200);
    expect(await docs.getByRole('button', { name: 'Aperçu de dessin.svg' }).count()).toBe(0);
    expect(downloads).toEqual([]);

    // A bounce flagged Paul's address: his record says why in French, the server's own words below.
    const words = '550 5.1.1 <paul@example.org>: Recipient address rejected';
    await mr.db.prisma.memberEmail.updateMany({ where: { organizationId: org.organizationId, normalized: 'paul@example.org' }, data: { invalidAt: new Date(), invalidReason: bounceInvalidText('user-unknown', words) } });
    await page.reload();
    await page.getByText('invalide : la boîte aux lettres n’existe pas').waitFor();
    await page.getByText(`Réponse du serveur : ${words}`).waitFor();

    // The provider changed the mailbox's password: the panel explains the failing poll in French.
    dovecot.addUser(USER, 'changed-at-the-provider');
    await org.staff.post('/api/v1/mailbox/poll');
    await eventually(async () => ((await org.staff.get('/api/v1/mailbox/status')).body.lastErrorCode === 'AUTH_REJECTED' ? true : undefined), 30_000, 250);
    await page.goto(`${mr.url}/`);
    await page.getByText('Dernière erreur : La boîte refuse l’identifiant ou le mot de passe : le mot de passe a peut-être changé.').waitFor();
    await page.getByText(/^Détail : /).waitFor(); // the server's own words, second
    dovecot.addUser(USER, PASS);
    expect(errors).toEqual([]);
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
