import type { Browser, Page } from 'playwright-core';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { chromiumAvailable, ensureConsoleBuilt, launchBrowser, openConsole, screenshot, seriousViolations, signIn, staffUser } from './browser';

describeIfServer('Temporal dev server and Chromium', temporalAvailable() && chromiumAvailable())('console: notification screens in the browser', () => {
  jest.setTimeout(180_000);
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url } });
    org = await mr.newOrganization('Aéroclub du Lac');
    const user = await staffUser(mr, org, 'staff', 'secretariat@aeroclub.example');
    const paul = (await org.staff.post('/api/v1/members', { firstName: 'Paul', lastName: 'Pilote', emails: [{ address: 'paul@example.org' }] })).body;
    const marie = (await org.staff.post('/api/v1/members', { firstName: 'Marie', lastName: 'Chef', emails: [{ address: 'marie@example.org' }] })).body;
    const plane = (await org.staff.post('/api/v1/resources', { name: 'F-GABC', kind: 'aircraft' })).body;
    const slot = { resourceId: plane.id, start: '2030-06-01T08:00:00Z', end: '2030-06-01T10:00:00Z' };
    expect((await org.staff.post('/api/v1/bookings', { ...slot, memberId: paul.id })).body.status).toBe('confirmed');
    expect((await org.staff.post('/api/v1/bookings', { ...slot, memberId: marie.id })).body.status).toBe('waitlisted');
    await org.staff.post(`/api/v1/resources/${plane.id}/maintenance`, { start: '2030-07-01T00:00:00Z', end: '2030-07-03T00:00:00Z', reason: 'Visite des 50 heures' });
    await org.staff.post('/api/v1/validities', { memberId: paul.id, kind: 'Visite médicale', expiresAt: '2030-09-01T00:00:00Z' });
    await org.staff.put(`/api/v1/members/${marie.id}/notification-preferences`, { subscribeBookings: 'digest', subscribeMaintenance: true });
    ensureConsoleBuilt();
    browser = await launchBrowser();
    ({ page } = await openConsole(browser, { locale: 'fr-FR', height: 900 }));
    await signIn(page, mr.url, user.email, user.password);
  });
  afterAll(async () => {
    await browser?.close();
    await mr?.stop();
    await smtp?.close();
  });

  it('shows the bookings and the waiting list, and cancelling one moves the waiting list up', async () => {
    await page.goto(`${mr.url}/notifications`);
    const table = page.getByRole('table', { name: 'Réservations' });
    await table.getByText('PILOTE Paul').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'notifications-bookings');

    await page.getByText('Liste d’attente', { exact: true }).click();
    await table.locator('[data-testid="booking-row"][data-status="waitlisted"]').getByText('CHEF Marie').waitFor();
    await page.getByText('À venir', { exact: true }).click();
    await page.getByRole('button', { name: 'Annuler la réservation de PILOTE Paul' }).click();
    await page.getByRole('dialog', { name: 'Annuler la réservation' }).getByRole('button', { name: 'Annuler la réservation' }).click();
    await page.getByText('Réservation annulée.').waitFor();
    // Marie's waiting booking took the freed slot.
    await table.locator('[data-testid="booking-row"][data-status="confirmed"]').getByText('CHEF Marie').waitFor();
  });

  it('creates a resource from the form', async () => {
    await page.getByLabel('Nom').fill('Salle de briefing');
    await page.getByRole('button', { name: 'Créer' }).click();
    await page.getByText('Ressource créée.').waitFor();
    expect(await mr.db.prisma.resource.count({ where: { organizationId: org.organizationId, name: 'Salle de briefing' } })).toBe(1);
  });

  it.each([
    ['maintenance', 'Visite des 50 heures'],
    ['validities', 'Visite médicale'],
    ['managers', 'CHEF Marie'],
  ])('shows the %s tab with no serious accessibility violation', async (tab, text) => {
    await page.goto(`${mr.url}/notifications?tab=${tab}`);
    await page.getByRole('table').getByText(text).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, `notifications-${tab}`);
  });

  it('shows and saves a member’s preferences and balance threshold', async () => {
    await page.goto(`${mr.url}/notifications?tab=preferences`);
    await page.getByRole('combobox', { name: 'Membre' }).fill('Pilote');
    await page.getByRole('option', { name: 'PILOTE Paul' }).click();
    await page.getByLabel('Seuil d’alerte (€)').fill('20');
    await page.getByLabel('Solde (€)').fill('12.5');
    await page.getByRole('button', { name: 'Enregistrer' }).nth(1).click();
    await page.getByText('Solde sous le seuil : le membre vient d’être prévenu.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'notifications-preferences');
  });

  it('is usable at phone width', async () => {
    const { page: phone } = await openConsole(browser, { locale: 'fr-FR', width: 390, height: 844 });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${mr.url}/notifications`);
    await phone.getByRole('table', { name: 'Réservations' }).getByText('CHEF Marie').waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'notifications-phone');
    await phone.context().close();
  });
});
