import sanitizeHtml from 'sanitize-html';

/**
 * Received HTML made safe to show staff: no scripts, styles or event handlers,
 * links open safely, and remote images blocked (tracking pixels must not fire)
 * unless asked; `cid:` images (RFC 2392) point at the stored inline parts.
 */
export function sanitizeReceivedHtml(html: string, opts: { cidUrl: (cid: string) => string | null; allowRemoteImages?: boolean }): { html: string; blockedImages: number } {
  let blockedImages = 0;
  const clean = sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'span'],
    allowedAttributes: {
      a: ['href', 'name', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height', 'data-blocked-src'],
      td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      table: ['width', 'border', 'cellpadding', 'cellspacing'],
      font: ['color', 'size'],
      '*': ['align'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        if (src.toLowerCase().startsWith('cid:')) {
          const url = opts.cidUrl(src.slice(4).replace(/^<|>$/g, ''));
          return url ? { tagName, attribs: { ...attribs, src: url } } : { tagName, attribs: { alt: attribs.alt ?? '' } };
        }
        if (/^https?:/i.test(src) && !opts.allowRemoteImages) {
          blockedImages += 1;
          const { src: _src, ...rest } = attribs;
          return { tagName, attribs: { ...rest, 'data-blocked-src': src } };
        }
        return { tagName, attribs };
      },
    },
  });
  return { html: clean, blockedImages };
}
