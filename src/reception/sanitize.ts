import type SanitizeHtml from 'sanitize-html';

/**
 * Received HTML made safe to show staff: no scripts, styles or event handlers,
 * links open safely, and remote content blocked (tracking pixels must not fire)
 * unless remote images are asked for; `cid:` images (RFC 2392) point at the
 * stored inline parts.
 *
 * Every way a mail can make the browser fetch something is closed: only `img`
 * may carry a URL that loads, and only `cid:`/`data:` ones unless remote images
 * are on. Styles (`style` attributes and elements: `url()`, `@import`),
 * `background`, `srcset`, `poster`, `<link>`, `<meta http-equiv=refresh>`,
 * SVG `href` and media elements are not on the allow-list at all; they are
 * counted in `blockedImages` when they referred to something remote.
 */
const URL_ATTRIBUTES = ['src', 'srcset', 'background', 'poster', 'href', 'xlink:href', 'data', 'lowsrc', 'dynsrc', 'action', 'formaction', 'codebase', 'cite', 'longdesc', 'profile', 'usemap', 'manifest', 'icon'];
/** Tags whose `href` loads something by itself (unlike `a`, which waits for a click). */
const LOADING_HREF = new Set(['link', 'image', 'use', 'feimage', 'base', 'script', 'svg', 'animate', 'set', 'pattern', 'textpath', 'tref', 'filter']);

/** Browsers ignore leading/embedded ASCII whitespace and control characters in URLs ("  //host", "\thttp:"). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const URL_NOISE = /[\u0000-\u0020\u007f-\u009f]+/g;
// WHATWG URL parsing reads `\\host` and `/\host` like `//host` in http(s) pages.
const normaliseUrl = (url: string) => url.replace(URL_NOISE, '').replace(/\\/g, '/').toLowerCase();

/** True when loading `url` would fetch from another host: a scheme other than cid:/data:, or protocol-relative. */
export function isRemoteUrl(url: string): boolean {
  const u = normaliseUrl(url);
  if (u.startsWith('//')) return true;
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(u)?.[1];
  return Boolean(scheme) && !['cid', 'data', 'javascript', 'about', 'mailto', 'tel'].includes(scheme!);
}

const CSS_REMOTE = /url\s*\(\s*(['"]?)\s*([^'")]*)\1\s*\)|@import\s+(['"])([^'"]*)\3/gi;
const countCss = (css: string) => [...css.matchAll(CSS_REMOTE)].filter((m) => isRemoteUrl(m[2] ?? m[4] ?? '')).length;

function countRemoteAttributes(name: string, attribs: Record<string, string>): number {
  let n = 0;
  for (const [key, value] of Object.entries(attribs)) {
    const k = key.toLowerCase();
    if (name === 'img' && k === 'src') continue; // handled (and counted) by the img transform
    if ((k === 'href' || k === 'xlink:href') && !LOADING_HREF.has(name)) continue;
    if (k === 'style') n += countCss(value);
    else if (k === 'srcset') n += value.split(',').filter((c) => isRemoteUrl(c.trim().split(/\s+/)[0] ?? '')).length;
    else if (URL_ATTRIBUTES.includes(k) && isRemoteUrl(value)) n += 1;
  }
  if (name === 'meta' && /refresh/i.test(attribs['http-equiv'] ?? '') && /url\s*=/i.test(attribs.content ?? '')) n += 1;
  return n;
}

/**
 * Above this many characters received HTML is not sanitised for display. sanitize-html holds the
 * whole document as a tree (about 17 times the HTML's size: 340 MB of heap for 20 MB) and blocks
 * the event loop for seconds, which any sender could turn against every organisation on the
 * process. Staff get the text part and the original .eml instead. For scale: Gmail clips a
 * message's HTML at 102 KB, and newsletters rarely pass 300 KB.
 */
export const HTML_DISPLAY_LIMIT = 2 * 1024 * 1024;

/** The received HTML as staff may see it, or why it is withheld (`tooLarge`: see HTML_DISPLAY_LIMIT). */
export function receivedHtmlForDisplay(html: string | null, opts: Parameters<typeof sanitizeReceivedHtml>[1]): { html: string | null; blockedImages: number; tooLarge: boolean } {
  if (!html) return { html: null, blockedImages: 0, tooLarge: false };
  if (html.length > HTML_DISPLAY_LIMIT) return { html: null, blockedImages: 0, tooLarge: true };
  return { ...sanitizeReceivedHtml(html, opts), tooLarge: false };
}

export function sanitizeReceivedHtml(html: string, opts: { cidUrl: (cid: string) => string | null; allowRemoteImages?: boolean }): { html: string; blockedImages: number } {
  let blockedImages = 0;
  // <style> bodies are dropped with the element; what they would have loaded is still counted.
  for (const m of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style\s*>/gi)) blockedImages += countCss(m[1] ?? '');
  // Loaded on first use, as it is needed only when a mail's HTML is shown (Memory at rest, README).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sanitizeHtml = require('sanitize-html') as typeof SanitizeHtml;
  const clean = sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'span'],
    allowedAttributes: {
      // rel and target are set by the transform below: they must survive the allow-list.
      a: ['href', 'name', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'title', 'width', 'height', 'data-blocked-src'],
      td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      table: ['width', 'border', 'cellpadding', 'cellspacing'],
      font: ['color', 'size'],
      '*': ['align'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
    // `//host/px` would load from the network with the page's scheme.
    allowProtocolRelative: false,
    onOpenTag: (name, attribs) => {
      blockedImages += countRemoteAttributes(name.toLowerCase(), attribs);
    },
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        const u = normaliseUrl(src);
        if (u.startsWith('cid:')) {
          const url = opts.cidUrl(src.trim().slice(4).replace(/^<|>$/g, ''));
          return url ? { tagName, attribs: { ...attribs, src: url } } : { tagName, attribs: { alt: attribs.alt ?? '' } };
        }
        if (isRemoteUrl(src)) {
          const { src: _src, ...rest } = attribs;
          // Remote images on demand: only plain http(s) URLs, written out normalised.
          if (opts.allowRemoteImages && /^https?:\/\//.test(u)) return { tagName, attribs: { ...rest, src: src.replace(URL_NOISE, '') } };
          blockedImages += 1;
          return { tagName, attribs: { ...rest, 'data-blocked-src': src.trim() } };
        }
        // Relative URLs would load from the console's own origin (with the staff's cookies): never.
        if (!u.startsWith('data:')) {
          const { src: _src, ...rest } = attribs;
          return { tagName, attribs: rest };
        }
        return { tagName, attribs };
      },
    },
  });
  return { html: clean, blockedImages };
}
