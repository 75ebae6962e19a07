import fc from 'fast-check';
import { contentDisposition, safeContentType, safeFilename } from '../../src/documents/safe-name';

// What must never appear in a name shown to staff or written to a disk.
const FORBIDDEN = /[\\/\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|\.\./u;

describe('safe file names (reception, uploads, downloads)', () => {
  it.each([
    ["a decoded RFC 2231 name hiding a path behind a line feed", 'x\n../../etc/passwd', 'x._._etc_passwd'],
    ['a bare ".."', '..', 'document'],
    ['a Windows path', 'C:\\Users\\x\\rapport.pdf', 'C__Users_x_rapport.pdf'],
    ['a right-to-left override disguising an .exe', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['a line separator (U+2028)', 'certificat\u2028médical.pdf', 'certificatmédical.pdf'],
    ['a lone surrogate', 'a\uD800b.pdf', 'ab.pdf'],
    ['a hidden dot file', '.htaccess', 'htaccess'],
    ['accents kept', 'certificat médical.pdf', 'certificat médical.pdf'],
  ])('%s', (_what, input, expected) => {
    expect(safeFilename(input)).toBe(expected);
  });

  it('keeps the extension of a name too long to keep whole', () => {
    const name = safeFilename(`${'é'.repeat(500)}.pdf`);
    expect([...name]).toHaveLength(200);
    expect(name.endsWith('.pdf')).toBe(true);
  });

  it('never lets a separator, "..", a control or format character through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const name = safeFilename(s);
        expect(name).not.toMatch(FORBIDDEN);
        expect(name.length).toBeGreaterThan(0);
        // Applying it again changes nothing: downloads re-check stored names.
        expect(safeFilename(name)).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });

  it('serves a content type that cannot be an HTTP header as application/octet-stream', () => {
    expect(safeContentType('application/日本語')).toBe('application/octet-stream');
    expect(safeContentType('text/plain; charset="utf-8"')).toBe('text/plain; charset="utf-8"');
    expect(safeContentType('Application/PDF')).toBe('application/pdf');
    expect(safeContentType('text/html\r\nSet-Cookie: a=b')).toBe('application/octet-stream');
    expect(safeContentType('pdf')).toBe('application/octet-stream');
  });

  it('writes Content-Disposition per RFC 6266 with an ASCII fallback and the UTF-8 name (RFC 8187)', () => {
    expect(contentDisposition('certificat médical.pdf')).toBe(`attachment; filename="certificat medical.pdf"; filename*=UTF-8''certificat%20m%C3%A9dical.pdf`);
    // A name stored before this rule existed is made safe on the way out.
    expect(contentDisposition('x\n../../etc/passwd')).toBe(`attachment; filename="x._._etc_passwd"; filename*=UTF-8''x._._etc_passwd`);
  });
});
