import { parseDeliveryReport } from '../../src/delivery/parse-report';
import * as f from './fixtures';

const o = { to: 'bounces+01a2@bounce.aeroclub.example', recipient: 'Nobody@Dest.Example', messageId: '<abc-123@aeroclub.example>', mailroomId: '01a2-b3' };
const parse = (raw: string) => parseDeliveryReport(Buffer.from(raw));

describe('reading delivery reports (RFC 3464 and common bounce texts)', () => {
  it.each([
    ['Postfix', f.postfixHardBounce, '5.1.1', 'User unknown in virtual mailbox table'],
    ['Exim', f.eximHardBounce, '5.1.1', 'No such user here'],
    ['Exchange Online / Microsoft 365', f.exchangeOnlineBounce, '5.1.10', 'RecipientNotFound'],
    ['Gmail', f.gmailBounce, '5.1.1', 'does not exist'],
    ['Sendmail', f.sendmailBounce, '5.1.1', 'User unknown'],
  ])('%s hard bounce: failed recipient, status, diagnostic and the original ids', async (_mta, make, status, words) => {
    const r = await parse(make(o));
    expect(r.isReport).toBe(true);
    expect(r.recipients).toEqual([expect.objectContaining({ recipient: 'nobody@dest.example', kind: 'hard', status, action: 'failed' })]);
    expect(r.recipients[0]!.diagnostic).toContain(words);
    expect(r.original).toEqual({ messageId: o.messageId, mailroomId: o.mailroomId });
    expect(r.addressedTo).toContain(o.to);
  });

  it('qmail text bounce without a DSN part is still read', async () => {
    const r = await parse(f.qmailBounce(o));
    expect(r.isReport).toBe(true);
    expect(r.recipients).toEqual([expect.objectContaining({ recipient: 'nobody@dest.example', kind: 'hard', status: '5.1.1' })]);
    expect(r.original.messageId).toBe(o.messageId);
  });

  it('a delay warning is soft, a relay report is delivered', async () => {
    expect((await parse(f.postfixDelayed(o))).recipients[0]).toMatchObject({ kind: 'soft', action: 'delayed', status: '4.4.1' });
    expect((await parse(f.postfixDelivered(o))).recipients[0]).toMatchObject({ kind: 'delivered', action: 'relayed', status: '2.0.0' });
  });

  it('an out-of-office reply is recognised and is not a bounce', async () => {
    const r = await parse(f.outOfOffice(o));
    expect(r).toMatchObject({ isReport: false, autoReply: true, recipients: [] });
  });

  it('an ordinary mail is neither', async () => {
    const r = await parse('From: a@example.org\r\nTo: b@example.org\r\nSubject: Bonjour\r\n\r\nUne question sur ma facture 550 euros.\r\n');
    expect(r).toMatchObject({ isReport: false, autoReply: false });
  });
});
