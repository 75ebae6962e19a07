import fc from 'fast-check';
import { ASCII_HTTP_URI, webhookUrl } from '../../src/api/routes/delivery';

/**
 * The OpenAPI document gives the webhook URL's pattern; a client (or a fuzzer) that writes a
 * string matching it must not be refused. Punycode labels are the exception the pattern cannot
 * express (`xn--` must decode), left to the URL parser.
 */
describe('webhook URL pattern', () => {
  it('admits only strings the URL check accepts', () => {
    const noPunycode = (s: string) => !/(^|[./@])xn--/i.test(s);
    fc.assert(
      fc.property(fc.stringMatching(ASCII_HTTP_URI).filter(noPunycode), (url) => {
        expect(webhookUrl.safeParse(url).success).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('accepts the URLs staff give and refuses what the parser would refuse', () => {
    for (const ok of ['https://hooks.example.org/mailroom?x=1', 'http://127.0.0.1:8080/a', 'https://xn--caf-dma.fr/h', 'https://u:p@h.example/x#y', 'http://h.example:/']) {
      expect(webhookUrl.safeParse(ok).success).toBe(true);
    }
    // A bad escape, a numeric last label that is no IPv4 address, a port past 65535, a non-ASCII host.
    for (const bad of ['http://o%kTv', 'http://a.1', 'http://h.example:65536/', 'https://café.fr/h', 'ftp://h.example/', 'http://256.1.1.1/']) {
      expect(ASCII_HTTP_URI.test(bad)).toBe(false);
      expect(webhookUrl.safeParse(bad).success).toBe(false);
    }
  });
});
