import { failureReason } from '../../src/delivery/bounce/classify';
import { addressReasonCode, bounceInvalidText, softBouncesInvalidText } from '../../src/delivery/reasons';

// The sentence stored on a flagged address is read back as a code the console words in any language.
describe('why an address is flagged, as a code', () => {
  it('reads back a bounce and its server words', () => {
    expect(addressReasonCode(bounceInvalidText('user-unknown', '550 5.1.1 <a@b.example>: Recipient address rejected'))).toEqual({
      code: 'BOUNCE', params: { reason: 'user-unknown', details: '550 5.1.1 <a@b.example>: Recipient address rejected' },
    });
    expect(addressReasonCode(bounceInvalidText('host-unknown'))).toEqual({ code: 'BOUNCE', params: { reason: 'host-unknown' } });
  });

  it('reads back a run of soft bounces', () => {
    expect(addressReasonCode(softBouncesInvalidText(4, 23, 'mailbox-full', '452 4.2.2 Mailbox full'))).toEqual({
      code: 'SOFT_BOUNCES', params: { count: 4, days: 23, reason: 'mailbox-full', details: '452 4.2.2 Mailbox full' },
    });
  });

  it('keeps a sentence written otherwise (older rows, by hand) as OTHER with its words', () => {
    expect(addressReasonCode('550 user unknown')).toEqual({ code: 'OTHER', params: { details: '550 user unknown' } });
    expect(addressReasonCode(null)).toBeNull();
  });

  it('reads a failure recorded as words as a reason of the table', () => {
    expect(failureReason('550 5.1.1 <x@y.example>: Recipient address rejected: User unknown')).toBe('user-unknown');
    expect(failureReason('something nobody can read')).toBe('undetermined');
  });
});
