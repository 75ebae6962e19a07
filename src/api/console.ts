import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type Response } from 'express';

/** Where `npm run web:build` (run at install and before start when stale) writes the console. */
export const CONSOLE_DIST = path.resolve(__dirname, '../../web/dist');

/**
 * The staff console's Content-Security-Policy: scripts only from our own files (Vite emits no
 * inline script); styles may be inline because Mantine writes its CSS variables into a <style>
 * element at run time. Frames only from our origin: the sandboxed mail HTML and PDF previews.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function consoleHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mailroom</title></head>
<body><h1>The staff console is not built</h1><p>Run <code>npm run web:build</code> (or <code>npm install</code>) and reload.</p></body></html>`;

/**
 * Serves the single-page console at `/`: hashed assets cached for a year, index.html never
 * cached (so a new build is picked up), and every non-API GET that accepts HTML answered with
 * index.html so the browser router can handle deep links such as /invite/<token>.
 */
export function mountConsole(app: Express, dist = CONSOLE_DIST): void {
  app.use(
    '/assets',
    express.static(path.join(dist, 'assets'), {
      index: false,
      fallthrough: true,
      immutable: true,
      maxAge: '365d',
      setHeaders: consoleHeaders,
    }),
  );
  app.use(express.static(dist, { index: false, setHeaders: (res) => (consoleHeaders(res), res.setHeader('Cache-Control', 'no-cache')) }));
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api/') || req.path === '/api' || req.path.startsWith('/assets/')) return next();
    if (!req.accepts('html')) return next();
    consoleHeaders(res);
    res.setHeader('Cache-Control', 'no-cache');
    const index = path.join(dist, 'index.html');
    if (!fs.existsSync(index)) {
      res.status(503).type('html').send(NOT_BUILT);
      return;
    }
    res.sendFile(index);
  });
}
