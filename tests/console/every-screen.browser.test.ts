import type { Browser, Page } from 'playwright-core';
import { fillLists, memberIdOf } from '../../bench/_fill-lists';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { axe, axeTime, failing, go, keyboardDialog, SCREEN_FACTS, settle, startsWith, UNLINKED_ERRORS, unseenFocus, until, words, type ScreenFacts, type Violation } from './audit';
import { chromiumAvailable, ensureConsoleBuilt, launchBrowser, openConsole, signIn, staffUser } from './browser';

/*
 * Every screen of the console, in French and English, at desktop and phone width, with data and
 * empty, its dialogs opened from the keyboard: axe (serious, critical and the page-structure
 * rules fail), the tab's title and the page's language, console errors, what sticks out at
 * 375 px, strings left unworded, row actions out of the tab order, focus visible and kept in
 * dialogs. One server, one browser; client-side navigation between screens.
 */

type Lang = 'fr' | 'en';
type W = ReturnType<typeof words>;
interface Ids {
  mail: string;
  member: string;
  sent: string;
  batch: string;
  structure: string;
}
interface DialogSpec {
  name: string;
  /** A form: also sent empty, to see the API's field errors on the fields. */
  submitEmpty?: boolean;
  /** What makes the opener usable (a row ticked). */
  before?: (page: Page, w: W) => Promise<void>;
  /** A dropdown that is not modal (a calendar): Tab may leave it. */
  modal?: false;
  opener: (page: Page, w: W) => ReturnType<Page['getByRole']>;
}
interface Screen {
  path: (ids: Ids) => string;
  /** Only where the organisation has data (a record's own page). */
  dataOnly?: boolean;
  dialogs?: DialogSpec[];
}

const button = (page: Page, name: string | RegExp) => page.getByRole('main').getByRole('button', { name }).first();
const SCREENS: Screen[] = [
  { path: () => '/received', dialogs: [{ name: 'assign', opener: (p, w) => button(p, startsWith(w('received', 'assignMail', 'prefix'))) }] },
  { path: (i) => `/received/${i.mail}`, dataOnly: true, dialogs: [{ name: 'assign', opener: (p, w) => button(p, new RegExp(`^(${w('received', 'assign')}|${w('received', 'reassign')})$`)) }] },
  { path: () => '/members', dialogs: [{ name: 'new member', submitEmpty: true, opener: (p, w) => button(p, w('members', 'new')) }] },
  ...['received', 'documents', 'sent', 'preferences', 'balance', 'validities'].map((tab, n) => ({
    path: (i: Ids) => `/members/${i.member}/${tab}`,
    dataOnly: true,
    dialogs: n === 0 ? [{ name: 'edit member', opener: (p: Page, w: W) => button(p, w('ui', 'edit')) }] : [],
  })),
  {
    path: () => '/sent',
    dialogs: [
      { name: 'purge', opener: (p, w) => button(p, w('sent', 'purge.button')) },
      { name: 'period calendar', modal: false, opener: (p, w) => button(p, new RegExp(`^${w('sent', 'filters.period')}`)) },
    ],
  },
  { path: (i) => `/sent/${i.sent}`, dataOnly: true },
  { path: () => '/sent/stats' },
  { path: () => '/invoices' },
  {
    path: (i) => `/invoices?structure=${i.structure}&period=2024-09`,
    dataOnly: true,
    dialogs: [
      { name: 'invoice preview', opener: (p, w) => button(p, startsWith(w('invoices', 'candidates.previewOf', 'prefix'))) },
      {
        name: 'confirm sending',
        before: (p, w) => p.getByRole('main').getByRole('checkbox', { name: startsWith(w('invoices', 'candidates.select', 'prefix')) }).first().check(),
        opener: (p, w) => button(p, new RegExp(`^${w('invoices', 'send.button_one', 'prefix')}`)),
      },
    ],
  },
  { path: () => '/invoices?tab=history' },
  { path: (i) => `/invoices/batches/${i.batch}`, dataOnly: true },
  {
    path: () => '/notifications',
    dialogs: [
      { name: 'move booking', opener: (p, w) => button(p, startsWith(w('notifications', 'bookings.moveOf', 'prefix'))) },
      { name: 'cancel booking', opener: (p, w) => button(p, startsWith(w('notifications', 'bookings.cancelOf', 'prefix'))) },
    ],
  },
  {
    path: () => '/notifications?tab=maintenance',
    dialogs: [{ name: 'start calendar', modal: false, opener: (p: Page, w: W) => button(p, new RegExp(`^${w('notifications', 'maintenance.from')}`)) }],
  },
  ...['validities', 'preferences', 'managers'].map((tab) => ({ path: () => `/notifications?tab=${tab}` })),
  { path: () => '/settings/smtp' },
  { path: () => '/settings/mailbox' },
  {
    path: () => '/settings/structures',
    dialogs: [
      { name: 'new structure', submitEmpty: true, opener: (p, w) => button(p, w('settings', 'structures.new')) },
      { name: 'delete structure', opener: (p, w) => button(p, startsWith(w('settings', 'structures.deleteLabel', 'prefix'))) },
    ],
  },
  { path: () => '/settings/templates' },
  { path: () => '/settings/alerts' },
  { path: () => '/settings/organization' },
  {
    path: () => '/settings/users',
    dialogs: [
      { name: 'invite', submitEmpty: true, opener: (p, w) => button(p, w('users', 'invite')) },
      { name: 'remove user', opener: (p, w) => button(p, startsWith(w('users', 'removeUser', 'prefix'))) },
    ],
  },
  {
    path: () => '/settings/api-keys',
    dialogs: [
      { name: 'new key', submitEmpty: true, opener: (p, w) => button(p, w('api-keys', 'new')) },
      { name: 'revoke key', opener: (p, w) => button(p, startsWith(w('api-keys', 'revokeKey', 'prefix'))) },
    ],
  },
  { path: () => '/profile' },
  // A record that is not there (a stale link): its screen says so, with the way back.
  ...['received', 'members', 'sent', 'invoices/batches'].map((list) => ({ path: () => `/${list}/00000000-0000-4000-8000-000000000000`, dataOnly: true })),
];

const TINY_PDF = Buffer.from('%PDF-1.4\n%tiny test invoice\n%%EOF\n').toString('base64');
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 740 } } as const;

interface Finding {
  where: string;
  what: string;
}

describeIfServer('Temporal dev server and Chromium', temporalAvailable() && chromiumAvailable())('console: every screen, both languages, desktop and phone, with data and empty', () => {
  jest.setTimeout(300_000);
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let browser: Browser;
  let ids: Ids;
  let inviteToken = '';
  const users: Record<string, { email: string; password: string }> = {};
  const violations: (Violation & { where: string })[] = [];
  const findings: Finding[] = [];
  const timings: [string, number][] = [];

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, INVOICE_BATCH_RATE_PER_MINUTE: '600' } });
    const full = await mr.newOrganization('Résidence Les Tilleuls');
    const empty = await mr.newOrganization('Club tout neuf');
    for (const lang of ['fr', 'en'] as const) {
      for (const [kind, org] of [['full', full], ['empty', empty]] as [string, TestOrg][]) {
        const user = await staffUser(mr, org, 'admin', `${kind}-${lang}@audit.example`);
        await mr.db.prisma.user.update({ where: { email: user.email }, data: { language: lang } });
        users[`${kind}-${lang}`] = user;
      }
    }
    await fillLists(mr.db.sql, { organizationId: full.organizationId, count: 25, members: 8, spacingSeconds: 3600 });
    const structure = (await full.admin.post('/api/v1/structures', { name: 'Résidence Les Tilleuls', senderName: 'Les Tilleuls', senderEmail: 'facturation@tilleuls.example' })).body;
    for (const [n, [firstName, lastName, emails]] of ([['Josiane', 'Mailly', ['josiane.mailly@example.org']], ['Henri', 'Bernard', ['henri.bernard@example.org', 'fille.bernard@example.org']], ['Odette', 'Favre', []]] as const).entries()) {
      const m = (await full.staff.post('/api/v1/members', { firstName, lastName, structureId: structure.id, emails: emails.map((address) => ({ address })) })).body;
      await full.staff.post('/api/v1/invoices', { number: `F2409-${n}`, period: '2024-09', memberId: m.id, structureId: structure.id, amountExclTax: 2100, amountInclTax: 2215.5, pdfBase64: TINY_PDF });
      await full.staff.post('/api/v1/invoices', { number: `F2408-${n}`, period: '2024-08', memberId: m.id, structureId: structure.id, amountExclTax: 2100, amountInclTax: 2215.5, pdfBase64: TINY_PDF });
    }
    const batch = (await full.admin.post('/api/v1/invoice-batches', { period: '2024-08', structureId: structure.id })).body;
    const paul = memberIdOf(full.organizationId, 0);
    const marie = memberIdOf(full.organizationId, 1);
    const plane = (await full.staff.post('/api/v1/resources', { name: 'F-GABC', kind: 'aircraft' })).body;
    const slot = { resourceId: plane.id, start: '2030-06-01T08:00:00Z', end: '2030-06-01T10:00:00Z' };
    await full.staff.post('/api/v1/bookings', { ...slot, memberId: paul });
    await full.staff.post('/api/v1/bookings', { ...slot, memberId: marie });
    await full.staff.post(`/api/v1/resources/${plane.id}/maintenance`, { start: '2030-07-01T00:00:00Z', end: '2030-07-03T00:00:00Z', reason: 'Visite des 50 heures' });
    await full.staff.post('/api/v1/validities', { memberId: paul, kind: 'Visite médicale', expiresAt: '2030-09-01T00:00:00Z' });
    await full.staff.put(`/api/v1/members/${marie}/notification-preferences`, { subscribeBookings: 'digest', subscribeMaintenance: true });
    const invited = (await full.admin.post('/api/v1/users/invitations', { email: 'nouvelle@audit.example', role: 'staff', name: 'Nouvelle' })).body as { invitationUrl: string };
    inviteToken = invited.invitationUrl.split('/invite/')[1]!;
    const mail = await mr.db.prisma.receivedMail.findFirstOrThrow({ where: { organizationId: full.organizationId, memberId: { not: null } }, orderBy: { receivedAt: 'desc' } });
    const sent = await mr.db.prisma.sentEmail.findFirstOrThrow({ where: { organizationId: full.organizationId }, orderBy: { queuedAt: 'desc' } });
    ids = { mail: mail.id, member: paul, sent: sent.id, batch: batch.id, structure: structure.id };
    ensureConsoleBuilt();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    // What the audit saw, by rule and impact (the report's "before/after" comes from here).
    const counts = new Map<string, number>();
    for (const v of violations) counts.set(`${v.impact} ${v.id}`, (counts.get(`${v.impact} ${v.id}`) ?? 0) + 1);
    if (process.env.AUDIT_TIMINGS) process.stdout.write(`axe: ${axeTime.runs} runs, ${axeTime.ms} ms; slowest screens: ${JSON.stringify(timings.sort((a, b) => b[1] - a[1]).slice(0, 15))}\n`);
    if (counts.size > 0) process.stdout.write(`axe violations by rule (screens): ${JSON.stringify(Object.fromEntries(counts), null, 1)}\n`);
    await browser?.close();
    await mr?.stop();
    await smtp?.close();
  });

  /** One screen: axe, the facts a user would notice, and the console's errors since the last screen. */
  async function check(page: Page, errors: string[], where: string, lang: Lang, phone: boolean, contrast = true) {
    for (const v of await axe(page, { contrast })) {
      // Content outside the landmarks is most often a portal (a tooltip, a toast): say what it holds.
      if (v.id === 'region') v.nodes.push(String(await page.evaluate("[...document.querySelectorAll('[data-portal]')].map((p) => p.innerHTML.slice(0, 300)).join(' | ')")));
      violations.push({ ...v, where });
    }
    const facts = (await page.evaluate(SCREEN_FACTS)) as ScreenFacts;
    const problems: string[] = [];
    if (facts.lang !== lang) problems.push(`lang="${facts.lang}"`);
    if (facts.h1.length !== 1) problems.push(`${facts.h1.length} h1`);
    else if (!facts.title.includes(facts.h1[0]!) || !facts.title.endsWith(' · Mailroom')) problems.push(`title "${facts.title}" for h1 "${facts.h1[0]}"`);
    if (phone && (facts.pageScroll > 0 || facts.out.length > 0)) problems.push(`wider than the phone: ${facts.pageScroll}px ${facts.out.join(' | ')}`);
    if (facts.unworded.length > 0) problems.push(`unworded: ${facts.unworded.join(', ')}`);
    if (facts.unnamedTables.length > 0) problems.push(`table without a name: ${facts.unnamedTables.join(' | ')}`);
    if (facts.unreachable.length > 0) problems.push(`out of the tab order: ${facts.unreachable.join(' | ')}`);
    // The API's refusals of the forms sent empty on purpose are logged by the browser, rightly.
    const unexpected = errors.splice(0).filter((e) => !(where.endsWith('refused]') && /status of 422/.test(e)));
    if (unexpected.length > 0) problems.push(`console: ${unexpected.join(' | ').slice(0, 300)}`);
    for (const what of problems) findings.push({ where, what });
  }

  /**
   * Every screen with data in each language at each width; the empty organisation and the
   * dialogs once per language (French on the desktop, English on the phone), the focus rings
   * once (English desktop). Colour contrast, axe's costliest rule, is checked in the thorough
   * walks only: the colours are the same in both languages and the thorough walks cover both
   * widths. The whole walk stays near a minute on an idle machine.
   */
  async function walk(lang: Lang, size: keyof typeof VIEWPORTS) {
    const thorough = (lang === 'fr') === (size === 'desktop');
    const w = words(lang);
    const { page, errors } = await openConsole(browser, { locale: lang === 'fr' ? 'fr-FR' : 'en-GB', ...VIEWPORTS[size] });
    const phone = size === 'phone';
    const at = (s: string) => `${lang} ${size} ${s}`;

    // Before signing in: the pages a mail links to, and the invitation link both valid and used.
    await page.goto(`${mr.url}/`);
    await settle(page);
    await check(page, errors, at('sign-in'), lang, phone);
    for (const path of ['/forgot-password', '/reset-password/expired-token', `/invite/${inviteToken}`, '/invite/used-token']) {
      await go(page, path);
      await check(page, errors, at(path.replace(inviteToken, ':token')), lang, phone);
    }

    for (const kind of thorough ? (['full', 'empty'] as const) : (['full'] as const)) {
      await page.context().clearCookies();
      await signIn(page, mr.url, users[`${kind}-${lang}`]!.email, users[`${kind}-${lang}`]!.password);
      // The pointer away from the screens (where the sign-in button was it would hover a row's tooltip open).
      await page.mouse.move(0, VIEWPORTS[size].height - 1);
      for (const screen of SCREENS) {
        if (kind === 'empty' && screen.dataOnly) continue;
        // AUDIT_SCREENS=<regex>: only the screens whose path matches (to look at one while fixing it).
        if (process.env.AUDIT_SCREENS && !new RegExp(process.env.AUDIT_SCREENS).test(screen.path(ids))) continue;
        const path = screen.path(ids);
        const where = at(`${kind} ${path.replace(/[0-9a-f-]{36}/g, ':id')}`);
        const started = Date.now();
        await go(page, path);
        await check(page, errors, where, lang, phone, thorough);
        if (!phone && lang === 'en' && kind === 'full') {
          const unseen = await unseenFocus(page, 15);
          if (unseen.length > 0) findings.push({ where, what: `focus not visible on: ${unseen.join(', ')}` });
        }
        for (const dialog of thorough ? (screen.dialogs ?? []) : []) {
          await dialog.before?.(page, w);
          const opener = dialog.opener(page, w);
          // With data the opener is there, maybe a moment after the screen's own list (bookings load on their own).
          if (kind === 'full') await opener.waitFor({ timeout: 3_000 }).catch(() => undefined);
          if ((await opener.count()) === 0 || !(await opener.isVisible()) || (await opener.isDisabled())) {
            if (kind === 'full') findings.push({ where, what: `no opener for the ${dialog.name} dialog` });
            continue;
          }
          const inside = async () => {
            await check(page, errors, `${where} [${dialog.name}]`, lang, phone);
            if (!dialog.submitEmpty) return;
            await page.getByRole('dialog').locator('button[type=submit]').click();
            await page.mouse.move(0, VIEWPORTS[size].height - 1); // not left over a row's tooltip once the dialog closes
            await until(page, `!!document.querySelector('[role=dialog] [aria-invalid="true"]')`, 5_000).catch(() => findings.push({ where, what: `${dialog.name}: the empty form showed no field error` }));
            const linked = (await page.evaluate(UNLINKED_ERRORS)) as { invalid: number; errors: number; bad: string[] };
            if (linked.bad.length > 0 || linked.errors !== linked.invalid) findings.push({ where, what: `${dialog.name}: errors not tied to their fields: ${JSON.stringify(linked)}` });
            await check(page, errors, `${where} [${dialog.name}, refused]`, lang, phone);
          };
          const problems = await keyboardDialog(page, opener, inside, dialog.modal ?? true);
          for (const what of problems) findings.push({ where: `${where} [${dialog.name}]`, what });
        }
        timings.push([where, Date.now() - started]);
      }
      if (phone) {
        // The navigation drawer behind the burger.
        await page.getByRole('button', { name: w('shell', 'toggleNavigation') }).click();
        await page.getByRole('navigation', { name: w('shell', 'navigation') }).getByRole('link').first().waitFor();
        await check(page, errors, at(`${kind} navigation open`), lang, phone);
        await page.getByRole('button', { name: w('shell', 'toggleNavigation') }).click();
      }
    }
    await page.context().close();
  }

  // Two pages at once (each its own context): the page's waits overlap the other's work.
  it.each(['fr', 'en'] as const)('walks every screen in %s, desktop and phone', async (lang) => {
    await Promise.all([walk(lang, 'desktop'), walk(lang, 'phone')]);
  });

  it('fails on nothing: no serious axe violation, each screen titled, nothing a user would trip over', () => {
    const serious = violations.filter(failing).map((v) => `${v.where}: ${v.impact} ${v.id} — ${v.nodes.slice(0, 3).join(' ; ')}`);
    expect({ serious, findings: findings.map((f) => `${f.where}: ${f.what}`) }).toEqual({ serious: [], findings: [] });
  });
});
