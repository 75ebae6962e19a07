import type { Browser, Page } from 'playwright-core';
import { fillLists } from '../../bench/_fill-lists';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { chromiumAvailable, ensureConsoleBuilt, launchBrowser, openConsole, screenshot, seriousViolations, signIn, staffUser } from './browser';

const PHONE = { width: 375, height: 740 };

/**
 * What sticks out of the screen's width: the page's own horizontal scroll, and any element
 * past the right edge that no scrolling or clipping container holds (a table inside its
 * scroller is fine). A string, not a function: the root tsconfig has no DOM types.
 */
const OVERFLOW = `(() => {
  const vw = document.documentElement.clientWidth;
  const held = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true; return false; };
  const out = [...document.querySelectorAll('body *')].filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > vw + 1 && !held(el); });
  return { pageScroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - vw, out: out.slice(0, 5).map((el) => el.outerHTML.slice(0, 120)) };
})()`;

/** Badges whose text is cut (a badge squeezed by a narrow column). */
const CUT_BADGES = `[...document.querySelectorAll('.mantine-Badge-label')].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent)`;

/** Each table: whether a scrolling container holds it inside the screen, and whether it is wider than that container. */
const TABLES = `[...document.querySelectorAll('main table')].map((t) => {
  let p = t.parentElement;
  while (p && !['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) p = p.parentElement;
  return { name: t.getAttribute('aria-label'), inScroller: !!p, scrollerRight: p ? Math.round(p.getBoundingClientRect().right) : null, scrolls: p ? p.scrollWidth > p.clientWidth : false };
})`;

/**
 * The first row of a table as a phone shows it: the headers on screen, whether the row's cells
 * hold text (empty: the text is hidden), and its buttons and links inside the screen's width.
 */
const FIRST_ROW = (name: string) => `(() => {
  const t = document.querySelector('main table[aria-label="${name}"]');
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const row = t.querySelector('tbody tr');
  const vw = document.documentElement.clientWidth;
  return {
    headers: [...t.querySelectorAll('thead th')].filter(shown).map((th) => th.textContent.trim()),
    cells: [...row.querySelectorAll('td')].filter(shown).map((td) => [...td.querySelectorAll('*')].filter(shown).map((e) => e.textContent).join('').trim().length > 0 || td.querySelectorAll('button, a').length > 0),
    controls: [...row.querySelectorAll('button, a')].filter(shown).map((c) => ({ name: (c.getAttribute('aria-label') || c.textContent || '').trim().split(' ').slice(0, 3).join(' '), inside: c.getBoundingClientRect().right <= vw })),
  };
})()`;

/** Where the focus is: its role or tag, name, region, and whether something shows it. */
const FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const region = el.closest('[role=dialog]') ? 'dialog' : el.closest('[role=menu]') ? 'menu' : el.closest('main') ? 'main' : el.closest('nav') ? 'nav' : el.closest('header') ? 'header' : 'other';
  const ring = (st) => (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none';
  // A password field shows the ring on the box around its input.
  const box = el.parentElement && el.parentElement.closest('.mantine-Input-input');
  const shown = ring(s) || (!!box && ring(getComputedStyle(box)));
  return { tag: el.tagName.toLowerCase(), name: (el.getAttribute('aria-label') || el.textContent || el.getAttribute('placeholder') || '').trim().slice(0, 60), region, shown, inView: (() => { const r = el.getBoundingClientRect(); return r.right > 0 && r.left < innerWidth; })() };
})()`;

interface Focus {
  tag: string;
  name: string;
  region: string;
  shown: boolean;
  inView: boolean;
}
const focused = (page: Page) => page.evaluate(FOCUS) as Promise<Focus | null>;

describeIfServer('Temporal dev server and Chromium', temporalAvailable() && chromiumAvailable())('console: phone width and keyboard', () => {
  jest.setTimeout(240_000);
  let mr: TestMailroom;
  let org: TestOrg;
  let browser: Browser;
  let admin: { email: string; password: string };

  beforeAll(async () => {
    mr = await startTestMailroom();
    org = await mr.newOrganization('Aéroclub du Val');
    admin = await staffUser(mr, org, 'admin', 'presidente@val.example');
    await mr.db.prisma.user.update({ where: { email: admin.email }, data: { language: 'en' } }); // the console in English
    // 25 received mails (filed, unassigned, reports), 25 sent emails, members and documents.
    await fillLists(mr.db.sql, { organizationId: org.organizationId, count: 25, members: 8, spacingSeconds: 3600 });
    ensureConsoleBuilt();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await mr?.stop();
  });

  async function phone(): Promise<Page> {
    const { page } = await openConsole(browser, PHONE);
    await signIn(page, mr.url, admin.email, admin.password);
    return page;
  }

  it('walks received mail and the sent log at 375 px: burger navigation, rows readable without sideways scrolling, nothing wider than the screen, axe', async () => {
    const page = await phone();
    await page.getByRole('table', { name: 'Received mail' }).locator('tbody tr').first().waitFor();
    expect(await page.evaluate(OVERFLOW)).toEqual({ pageScroll: 0, out: [] });
    const tables = (await page.evaluate(TABLES)) as { name: string; inScroller: boolean; scrollerRight: number; scrolls: boolean }[];
    // The less important columns give way: the table fits its box, nothing to scroll sideways.
    expect(tables).toEqual([expect.objectContaining({ name: 'Received mail', inScroller: true, scrolls: false })]);
    expect(tables[0]!.scrollerRight).toBeLessThanOrEqual(PHONE.width);
    // Date, sender and subject still there, with the pencil and the eye inside the screen.
    expect(await page.evaluate(FIRST_ROW('Received mail'))).toEqual({
      headers: ['Date', 'Sender', 'Subject', 'Actions'],
      cells: [true, true, true, true],
      controls: [{ name: 'Assign the mail', inside: true }, { name: 'Open the mail', inside: true }],
    });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'phone-received');

    // The navigation is behind the burger, which says whether it is open.
    const burger = page.getByRole('button', { name: 'Show or hide the menu' });
    const sentLink = page.getByRole('link', { name: 'Sent mail' });
    expect(await burger.getAttribute('aria-expanded')).toBe('false');
    const hidden = await sentLink.boundingBox();
    expect(hidden!.x + hidden!.width).toBeLessThanOrEqual(0);
    await burger.click();
    expect(await burger.getAttribute('aria-expanded')).toBe('true');
    await sentLink.click();
    await page.getByRole('heading', { name: 'Sent mail', level: 1 }).waitFor();
    expect(await burger.getAttribute('aria-expanded')).toBe('false'); // choosing a screen closes the menu

    await page.getByRole('table', { name: 'Sent messages' }).locator('tbody tr').first().waitFor();
    await page.mouse.move(0, PHONE.height - 1); // no tooltip from where the menu was tapped
    await page.getByRole('tooltip').waitFor({ state: 'detached' });
    expect(await page.evaluate(OVERFLOW)).toEqual({ pageScroll: 0, out: [] });
    expect(await page.evaluate(TABLES)).toEqual([expect.objectContaining({ inScroller: true, scrolls: false })]);
    expect(((await page.evaluate(FIRST_ROW('Sent messages'))) as { headers: string[] }).headers).toEqual(['Date', 'Status', 'Subject']);
    expect(await page.evaluate(CUT_BADGES)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'phone-sent');

    // One message of each list, opened at phone width.
    await page.getByRole('table', { name: 'Sent messages' }).locator('tbody tr a').first().click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.evaluate(OVERFLOW)).toEqual({ pageScroll: 0, out: [] });
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${mr.url}/received`);
    await page.getByRole('link', { name: /^Open the mail/ }).first().click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.evaluate(OVERFLOW)).toEqual({ pageScroll: 0, out: [] });
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('fits every screen at 375 px', async () => {
    const page = await phone();
    const screens = ['/received', '/members', '/sent', '/sent/stats', '/invoices', '/invoices?tab=history', '/notifications', '/profile'];
    for (const section of ['smtp', 'mailbox', 'structures', 'templates', 'alerts', 'organization', 'users', 'api-keys']) screens.push(`/settings/${section}`);
    const wide: { screen: string; pageScroll: number; out: string[] }[] = [];
    for (const screen of screens) {
      await page.goto(`${mr.url}${screen}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const result = (await page.evaluate(OVERFLOW)) as { pageScroll: number; out: string[] };
      if (result.pageScroll > 0 || result.out.length > 0) wide.push({ screen, ...result });
    }
    expect(wide).toEqual([]);
    await page.context().close();
  });

  it('signs in with the keyboard alone', async () => {
    const { page } = await openConsole(browser);
    await page.goto(mr.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'input', name: '' }); // the address field has the focus
    await page.keyboard.type(admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(admin.password);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation').waitFor();
    await page.context().close();
  });

  it('is keyboard-operable: skip link, header then navigation then content, every stop visible', async () => {
    const { page } = await openConsole(browser);
    await signIn(page, mr.url, admin.email, admin.password);
    await page.getByRole('table', { name: 'Received mail' }).locator('tbody tr').first().waitFor();

    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', name: 'Skip to content', shown: true, inView: true });
    const stops: Focus[] = [];
    for (let i = 0; i < 14; i += 1) {
      await page.keyboard.press('Tab');
      stops.push((await focused(page))!);
    }
    // Header controls, then the navigation in its order, then the page.
    const order = ['header', 'nav', 'main'];
    const regions = stops.map((s) => order.indexOf(s.region));
    expect(regions.every((r, i) => r >= 0 && (i === 0 || r >= regions[i - 1]!))).toBe(true);
    expect(stops.filter((s) => s.region === 'nav').map((s) => s.name)).toEqual(['Received mail', 'Members', 'Sent mail', 'Invoice batches', 'Notifications', 'Settings']);
    expect(stops.filter((s) => !s.shown || !s.inView)).toEqual([]);

    // The skip link jumps over header and navigation.
    await page.keyboard.press('Shift+Tab'); // any stop; start again from the top
    await page.goto(`${mr.url}/received`);
    await page.getByRole('table', { name: 'Received mail' }).locator('tbody tr').first().waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ region: 'main', shown: true });
    await page.context().close();
  });

  it('traps the focus in a dialog and gives it back to the button that opened it', async () => {
    const { page } = await openConsole(browser);
    await signIn(page, mr.url, admin.email, admin.password);
    const pencil = page.getByRole('button', { name: /^Assign the mail/ }).first();
    await pencil.focus();
    const opener = (await focused(page))!.name;
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    for (let i = 0; i < 8; i += 1) {
      expect(await focused(page)).toMatchObject({ region: 'dialog', shown: true });
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatchObject({ region: 'dialog' });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await focused(page)).toMatchObject({ name: opener });

    // The user menu: opened with Enter, walked with the arrows, closed with Escape onto its button.
    await page.getByTestId('user-menu').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menu').waitFor();
    // The menu takes the focus once its opening transition ends; an arrow pressed before that
    // lands on the button, so wait for the focus to move in as a user waits for the menu to show.
    await page.waitForFunction("!!document.activeElement?.closest('[role=menu]')");
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction("document.activeElement?.getAttribute('role') === 'menuitem'");
    expect(await focused(page)).toMatchObject({ region: 'menu', shown: true });
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'hidden' });
    expect(await focused(page)).toMatchObject({ name: 'Menu of presidente' });
    await page.context().close();
  });
});
