import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';

/*
 * What the every-screen audit looks at on one screen. The page scripts are strings, not
 * functions: the root tsconfig has no DOM types.
 */

const WEB_SRC = path.resolve(__dirname, '../../web/src');

/** The console's own words (its i18n files), so one walk works in both languages: `words('fr')('received', 'assignMail', { subject: '' })`. */
export function words(lang: 'fr' | 'en') {
  const cache = new Map<string, Record<string, unknown>>();
  const load = (ns: string) => {
    if (!cache.has(ns)) {
      const file = (fs.readdirSync(WEB_SRC, { recursive: true }) as string[]).find((f) => f.split(path.sep).slice(-3).join('/') === `${ns}/i18n/${lang}.json`);
      if (!file) throw new Error(`no namespace ${ns}`);
      cache.set(ns, JSON.parse(fs.readFileSync(path.join(WEB_SRC, file), 'utf8')) as Record<string, unknown>);
    }
    return cache.get(ns)!;
  };
  /** The string up to its first placeholder, to match a name that goes on with a subject or a name. */
  return (ns: string, key: string, vars: Record<string, string | number> | 'prefix' = {}): string => {
    let value: unknown = load(ns);
    for (const part of key.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
    if (typeof value !== 'string') throw new Error(`no string ${ns}:${key} in ${lang}`);
    if (vars === 'prefix') return value.split('{{')[0]!;
    return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(vars[name] ?? ''));
  };
}

/** A name that starts with `text` (the part of a string before its first placeholder). */
export const startsWith = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string;
  nodes: string[];
}

/**
 * Every axe violation of the page, whatever its impact. `contrast: false` leaves out colour
 * contrast, axe's costliest rule, where another pass already checked the same colours. (the audit reports them all and fails
 * on the serious ones). Frames are left out: the only ones are the sender's sandboxed mail
 * HTML and the browser's PDF viewer.
 */
/** Time spent in axe, for AUDIT_TIMINGS. */
export const axeTime = { ms: 0, runs: 0 };

export async function axe(page: Page, opts: { contrast?: boolean } = {}): Promise<Violation[]> {
  const started = Date.now();
  try {
    return await runAxe(page, opts.contrast ?? true);
  } finally {
    axeTime.ms += Date.now() - started;
    axeTime.runs += 1;
  }
}

async function runAxe(page: Page, contrast: boolean): Promise<Violation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const rules = contrast ? '' : ", rules: { 'color-contrast': { enabled: false } }";
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'], iframes: false${rules} })`)) as { violations: { id: string; impact: string; nodes: { html: string; target: string[] }[] }[] };
  return results.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`) }));
}

/** Rules that fail the audit beside every serious and critical one: the page's structure (landmarks, one h1, heading order). */
export const STRUCTURE_RULES = ['heading-order', 'page-has-heading-one', 'landmark-one-main', 'landmark-unique', 'landmark-no-duplicate-main', 'landmark-no-duplicate-banner', 'landmark-main-is-top-level', 'region', 'empty-heading', 'empty-table-header', 'aria-allowed-role'];
export const failing = (v: Violation) => v.impact === 'serious' || v.impact === 'critical' || STRUCTURE_RULES.includes(v.id);

/** Client-side navigation (as a link would): the bundle and axe stay loaded, so each screen costs only its own rendering. */
export async function go(page: Page, to: string): Promise<void> {
  const before = (await page.evaluate('document.title')) as string;
  await page.evaluate(`(() => { history.pushState({}, '', ${JSON.stringify(to)}); dispatchEvent(new PopStateEvent('popstate', { state: {} })); })()`);
  // The router renders in a transition, so the old screen may still be there a few frames on:
  // each screen has its own tab title, set once it rendered (a second at most for the one pair
  // of screens that share theirs).
  await until(page, `document.title !== ${JSON.stringify(before)}`, 1_000).catch(() => undefined);
  await settle(page);
}

/**
 * Polls a page expression until it is true. Not page.waitForFunction: a string predicate there
 * is compiled in the page with eval, which the console's CSP refuses (rightly).
 */
export async function until(page: Page, expr: string, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expr.slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Until the screen has its h1, no spinner, no table marked busy and no opening or closing transition running. */
const SETTLED = `(() => {
  if (!document.querySelector('h1')) return false;
  if ([...document.querySelectorAll('.mantine-Loader, [aria-busy="true"]')].some((e) => e.getClientRects().length > 0)) return false;
  return document.getAnimations().every((a) => a.playState !== 'running');
})()`;

export async function settle(page: Page): Promise<void> {
  await until(page, SETTLED);
  // What the last render set off (a ResizeObserver's answer, a transition's first frame) lands a
  // frame or two later; on a loaded machine axe could otherwise read the page in between.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await until(page, SETTLED);
}

/** What a user would notice besides axe: the language and the tab's title, and what sticks out sideways. */
export const SCREEN_FACTS = `(() => {
  const vw = document.documentElement.clientWidth;
  const held = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true; return false; };
  const out = [...document.querySelectorAll('body *')].filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > vw + 1 && !held(el); });
  const h1 = [...document.querySelectorAll('h1')].map((h) => h.textContent.trim());
  // Strings the i18n files lack show as their key ("section.key") or as raw {{placeholders}}.
  const text = document.body.innerText;
  const keys = [...text.matchAll(/(^|\\s)([a-z]+(?:\\.[a-z][a-zA-Z]+)+)(?=\\s|$)/g)].map((m) => m[2]).filter((k) => !/\\.(fr|com|org|net|example|eml|ics|pdf|png|jpe?g|gif|txt|csv|zip|docx?|xlsx?|html?)$/.test(k) && !k.includes('@'));
  const placeholders = [...text.matchAll(/\\{\\{[^}]*\\}\\}|undefined|NaN|\\[object Object\\]/g)].map((m) => m[0]);
  // Row actions a keyboard cannot reach: a control in a table taken out of the tab order.
  const unreachable = [...document.querySelectorAll('main table button, main table a, main table input')].filter((e) => e.tabIndex < 0 && !e.disabled).map((e) => e.outerHTML.slice(0, 100));
  // Tables a screen reader announces without saying which (the calendars' own month grids aside).
  const unnamed = [...document.querySelectorAll('table')].filter((t) => !t.closest('.mantine-Popover-dropdown') && !t.getAttribute('aria-label') && !t.getAttribute('aria-labelledby') && !t.querySelector('caption')).map((t) => t.outerHTML.slice(0, 100));
  return {
    lang: document.documentElement.lang,
    title: document.title,
    h1,
    pageScroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - vw,
    out: out.slice(0, 3).map((el) => el.outerHTML.slice(0, 120)),
    unworded: [...keys, ...placeholders].slice(0, 5),
    unreachable: unreachable.slice(0, 3),
    unnamedTables: unnamed.slice(0, 3),
  };
})()`;
export interface ScreenFacts {
  lang: string;
  title: string;
  h1: string[];
  pageScroll: number;
  out: string[];
  unworded: string[];
  unreachable: string[];
  unnamedTables: string[];
}

/**
 * The open dialog's fields the API refused: each marked invalid and described by its error
 * text (what a screen reader reads with the field). Returns the fields that are not.
 */
export const UNLINKED_ERRORS = `(() => {
  const invalid = [...document.querySelectorAll('[role=dialog] [aria-invalid="true"]')];
  const errors = [...document.querySelectorAll('[role=dialog] .mantine-InputWrapper-error')];
  const bad = invalid.filter((el) => {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const error = el.closest('.mantine-InputWrapper-root')?.querySelector('.mantine-InputWrapper-error');
    return !error || !error.textContent.trim() || !ids.includes(error.id);
  }).map((el) => el.outerHTML.slice(0, 100));
  return { invalid: invalid.length, errors: errors.length, bad };
})()`;

/** Where the focus is: in the open dialog or not, and whether a ring shows it. */
const FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { inDialog: false, shown: false, opener: false };
  const ring = (st) => (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none';
  const box = el.parentElement && el.parentElement.closest('.mantine-Input-input');
  return { inDialog: !!el.closest('[role=dialog]'), shown: ring(getComputedStyle(el)) || (!!box && ring(getComputedStyle(box))), opener: el.hasAttribute('data-audit-opener'), name: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40) };
})()`;
interface Focus {
  inDialog: boolean;
  shown: boolean;
  opener: boolean;
  name?: string;
}

/** The open dialog fully shown: it and every box around it opaque, no transition running. */
const OPAQUE_DIALOG = `(() => {
  const d = document.querySelector('[role=dialog]');
  if (!d) return false;
  for (let e = d; e; e = e.parentElement) if (getComputedStyle(e).opacity !== '1') return false;
  return document.getAnimations().every((a) => a.playState !== 'running');
})()`;

/**
 * Opens a dialog from the keyboard (focus on its opener, Enter) and checks what a keyboard or
 * screen-reader user needs: the focus goes in and is shown, Tab and Shift+Tab keep it inside,
 * Escape closes it and the focus returns to the opener. `inside` runs while it is open (axe).
 * Not `modal` (a calendar dropdown): Tab may leave it, the rest holds.
 * Returns what went wrong, in words.
 */
export async function keyboardDialog(page: Page, opener: Locator, inside: () => Promise<void>, modal = true): Promise<string[]> {
  const problems: string[] = [];
  await opener.evaluate((el) => el.setAttribute('data-audit-opener', ''));
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await settle(page).catch(() => undefined);
  // Mantine starts a modal's fade-in a frame after it mounts: a loaded machine could run axe
  // between the two, on text still transparent (a contrast failure no user sees).
  await until(page, OPAQUE_DIALOG, 3_000).catch(() => undefined);
  await until(page, "!!document.activeElement?.closest('[role=dialog]')", 2_000).catch(() => problems.push('the focus did not move into the dialog'));
  await inside();
  const count = (await dialog.evaluate("(d) => d.querySelectorAll('button:not([disabled]), a[href], input:not([disabled]), textarea, select, [tabindex]:not([tabindex=\"-1\"])').length")) as number;
  for (let i = 0; modal && i <= count; i += 1) {
    await page.keyboard.press('Tab');
    const f = (await page.evaluate(FOCUS)) as Focus;
    if (!f.inDialog) {
      problems.push(`Tab left the dialog after ${i + 1} presses`);
      break;
    }
    if (!f.shown) problems.push(`no visible focus on "${f.name}"`);
  }
  if (modal) {
    await page.keyboard.press('Shift+Tab');
    if (!((await page.evaluate(FOCUS)) as Focus).inDialog) problems.push('Shift+Tab left the dialog');
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' }).catch(() => problems.push('Escape did not close the dialog'));
  await until(page, "!!document.activeElement?.hasAttribute('data-audit-opener')", 2_000).catch(() => problems.push('the focus did not return to the opener'));
  await opener.evaluate((el) => el.removeAttribute('data-audit-opener')).catch(() => undefined);
  return [...new Set(problems)];
}

/**
 * Tabs through the first `stops` stops of the screen's own content (from the main landmark, as
 * the skip link leads; the header and navigation are the same on every screen and checked by
 * the phone-and-keyboard test); returns those that show no focus ring.
 */
export async function unseenFocus(page: Page, stops: number): Promise<string[]> {
  await page.evaluate("window.scrollTo(0, 0); (document.getElementById('main') ?? document.body).focus()");
  const unseen: string[] = [];
  let first: string | undefined;
  for (let i = 0; i < stops; i += 1) {
    await page.keyboard.press('Tab');
    const f = (await page.evaluate(FOCUS)) as Focus;
    if (f.name !== undefined && f.name === first) break;
    first ??= f.name;
    if (!f.shown && f.name !== undefined) unseen.push(f.name);
  }
  // Nothing left open by the walk (a date field opens its calendar on focus).
  await page.keyboard.press('Escape');
  await page.evaluate('document.activeElement?.blur()');
  return unseen;
}
