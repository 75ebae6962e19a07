import { useMemo } from 'react';

/**
 * A received mail's HTML — already sanitised by the API — inside an iframe sandboxed without
 * scripts and without our origin: even HTML the sanitiser missed cannot run or reach the
 * console. The iframe also inherits the console's CSP (no inline script, images only from us).
 * Links open in a new tab (popups allowed, escaping the sandbox so the target page works).
 */
export function MailHtml({ html, title }: { html: string; title: string }) {
  const srcDoc = useMemo(() => `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>body{font-family:sans-serif;margin:12px;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head><body>${html}</body></html>`, [html]);
  return <iframe title={title} sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={srcDoc} style={{ width: '100%', height: 480, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4, background: 'white' }} />;
}
