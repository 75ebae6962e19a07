import { automatedReason } from '../../src/reception/classify';
import { RECEIVED_REASONS, reasonCode, reasonText } from '../../src/reception/reasons';

describe('reasons a received mail is not filed', () => {
  it('reads every sentence it writes back as its code and values', () => {
    const samples: [keyof typeof RECEIVED_REASONS, Record<string, string | number> | undefined][] = [
      ['NO_SENDER', undefined],
      ['SHARED_ADDRESS', { from: 'famille@example.org', count: 3 }],
      ['UNKNOWN_SENDER', { from: 'josiane.perso@example.net' }],
      ['AUTO_SUBMITTED', { value: 'auto-replied' }],
      ['BULK', { value: 'bulk' }],
      ['TOO_LARGE', { limitMb: 25, size: 30_000_000 }],
      ['PARSE_FAILED', { detail: 'Unexpected end of input\non line 3' }],
      ['STORE_FAILED', { detail: 'invalid byte sequence for encoding "UTF8"' }],
      ['MAILING_LIST', undefined],
    ];
    for (const [code, params] of samples) {
      const text = reasonText(code, params as never);
      expect(reasonCode(text)).toEqual({ code, params: params ?? {} });
    }
  });

  it('gives headers-based reasons their code, and keeps a sentence it does not know as OTHER', () => {
    const headers = new Map<string, unknown>([['auto-submitted', 'auto-replied']]);
    expect(reasonCode(automatedReason(headers, 'a@example.org'))).toEqual({ code: 'AUTO_SUBMITTED', params: { value: 'auto-replied' } });
    expect(reasonCode(automatedReason(new Map(), 'MAILER-DAEMON@example.org'))?.code).toBe('MAILER_DAEMON');
    expect(reasonCode('filed by hand in 2019')).toEqual({ code: 'OTHER', params: { detail: 'filed by hand in 2019' } });
    expect(reasonCode(null)).toBeNull();
  });
});
