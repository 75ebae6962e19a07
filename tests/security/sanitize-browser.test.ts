import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { chromium, type Browser } from 'playwright-core';
import { sanitizeReceivedHtml } from '../../src/reception/sanitize';
import { describeIfServer } from '../helpers/require-server';

const CHROMIUM = '/usr/bin/chromium';
const cidUrl = (cid: string) => (cid === 'logo' ? '/api/v1/documents/doc-1/content' : null);

/** Every way the hostile tester found (and a few more) for a mail to make the browser fetch something. */
const hostileMail = (base: string) => `
<html><head>
<meta http-equiv="refresh" content="0; url=${base}/refresh">
<link rel="stylesheet" href="${base}/link.css"><link rel="prefetch" href="${base}/prefetch">
<style>@import url("${base}/import.css"); body { background-image: url(${base}/style-bg.png) } @import '${base}/import2.css';</style>
</head><body background="${base}/body-bg.png">
<img src="${base}/plain.png"><img src="//${base.replace(/^http:\/\//, '')}/protocol-relative.png">
<img src="\\\\${base.replace(/^http:\/\//, '')}/backslashes.png"><img src="   ${base}/spaces.png"><img src="\t${base}/tab.png"><img src="&#x20;${base}/entity-space.png">
<img srcset="${base}/srcset-1x.png 1x, ${base}/srcset-2x.png 2x" src="cid:logo">
<picture><source srcset="${base}/picture-source.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></picture>
<table background="${base}/table-bg.png"><tr><td background="${base}/td-bg.png" style="background:url('${base}/td-style.png')">x</td></tr></table>
<div style="background-image:url(${base}/div-style.png)">y</div>
<video poster="${base}/poster.png" src="${base}/video.mp4"></video><audio src="${base}/audio.mp3"></audio>
<svg><image href="${base}/svg-image.png"/><image xlink:href="${base}/svg-xlink.png"/><use href="${base}/use.svg#a"/></svg>
<iframe src="${base}/iframe"></iframe><object data="${base}/object"></object><embed src="${base}/embed">
<input type="image" src="${base}/input.png"><script src="${base}/script.js"></script>
<a href="https://example.org/page">un lien</a>
</body></html>`;

describeIfServer('Chromium (/usr/bin/chromium)', fs.existsSync(CHROMIUM))('received mail renders without loading anything remote', () => {
  jest.setTimeout(60_000);
  let browser: Browser;
  let recorder: http.Server;
  let pages: http.Server;
  const hits: string[] = [];
  let base = '';
  let pageBase = '';
  let pageHtml = '';

  beforeAll(async () => {
    recorder = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/gif' }).end();
    });
    pages = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(pageHtml));
    await Promise.all([recorder, pages].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    base = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    pageBase = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([recorder, pages].map((s) => new Promise((r) => s?.close(r))));
  });

  const render = async (html: string) => {
    pageHtml = html;
    const page = await browser.newPage();
    await page.goto(`${pageBase}/mail`, { waitUntil: 'load' });
    await page.waitForTimeout(1500); // meta refresh 0, lazy loads
    const links = await page.$$eval('a', (as) => as.map((a) => ({ rel: a.getAttribute('rel'), target: a.getAttribute('target') })));
    await page.close();
    return links;
  };

  test('the raw mail does load from the recorder (the test can see a leak)', async () => {
    hits.length = 0;
    await render(hostileMail(base));
    expect(hits.length).toBeGreaterThan(5);
  });

  test('the sanitised mail loads nothing, counts what it blocked, and links open safely', async () => {
    const { html, blockedImages } = sanitizeReceivedHtml(hostileMail(base), { cidUrl });
    hits.length = 0;
    const links = await render(`<html><body>${html}</body></html>`);
    expect(hits).toEqual([]);
    // 6 img + srcset 2 + picture source 1 + body/table/td backgrounds 3 + 2 style attributes + 3 in <style>
    // + poster, video, audio, 3 svg refs, link x2, meta refresh, iframe, object, embed, input, script.
    expect(blockedImages).toBe(6 + 2 + 1 + 3 + 2 + 3 + 3 + 3 + 2 + 1 + 5);
    expect(links).toEqual([{ rel: 'noopener noreferrer nofollow', target: '_blank' }]);
    expect(html).toContain('src="/api/v1/documents/doc-1/content"');
  });

  test('with remote images on, plain http(s) images load and nothing else does', async () => {
    const { html } = sanitizeReceivedHtml(hostileMail(base), { cidUrl, allowRemoteImages: true });
    hits.length = 0;
    await render(`<html><body>${html}</body></html>`);
    expect([...new Set(hits)].sort()).toEqual(['/entity-space.png', '/plain.png', '/spaces.png', '/tab.png']);
  });
});

describe('sanitiser properties', () => {
  const url = fc.constantFrom('http://evil.example/p', '//evil.example/p', ' \thttp://evil.example/p', 'HTTPS://evil.example/p', 'cid:logo', 'data:image/png;base64,AA', 'x.png', '\\\\evil.example/p', '\u0000http://evil.example');
  const attr = fc.tuple(fc.constantFrom('src', 'srcset', 'href', 'background', 'poster', 'style', 'xlink:href', 'onerror', 'rel', 'target'), url).map(([k, v]) => (k === 'style' ? `style="background:url(${v})"` : `${k}="${v}"`));
  const tag = fc.constantFrom('img', 'a', 'link', 'image', 'video', 'table', 'td', 'div', 'svg', 'meta', 'iframe', 'style', 'script', 'source');
  const element = fc.tuple(tag, fc.array(attr, { maxLength: 4 }), fc.string({ maxLength: 10 })).map(([t, attrs, text]) => `<${t} ${attrs.join(' ')}>${text}</${t}>`);

  test('no URL that loads survives, no script or style, every link opens safely', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 8 }), (parts) => {
        const { html } = sanitizeReceivedHtml(parts.join(''), { cidUrl });
        expect(html).not.toMatch(/<(script|style|link|meta|iframe|svg|video|image|source)\b/i);
        expect(html).not.toMatch(/\s(on\w+|style|background|srcset|poster)=/i);
        for (const m of html.matchAll(/<img[^>]*\ssrc="([^"]*)"/g)) expect(m[1]).toMatch(/^(data:|\/api\/v1\/documents\/)/);
        for (const m of html.matchAll(/<a\b[^>]*>/g)) expect(m[0]).toContain('rel="noopener noreferrer nofollow"');
        // Sanitising again finds nothing remote left to block.
        expect(sanitizeReceivedHtml(html, { cidUrl }).blockedImages).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
