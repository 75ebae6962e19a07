import { dovecotAvailable, dovecotLmtpAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot';
import { eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { freePort } from '../helpers/ports';
import { postfixAvailable, startPostfix, type TestPostfix } from '../helpers/postfix';
import { describeIfServer } from '../helpers/require-server';

/**
 * Real bounces from a real mail server: Mailroom sends through Postfix, which
 * delivers over LMTP to Dovecot (a user that does not exist, a user over
 * quota) or retries a closed port until the queue lifetime runs out. Postfix's
 * own delivery status notifications come back to the VERP address, land in
 * Dovecot's bounce mailbox, and the sync records each with its reason.
 */
describeIfServer('Postfix, Dovecot with LMTP and Temporal', postfixAvailable() && dovecotAvailable() && dovecotLmtpAvailable() && temporalAvailable())(
  'bounces written by a real Postfix',
  () => {
    jest.setTimeout(120_000);
    let dovecot: TestDovecot;
    let postfix: TestPostfix;
    let mr: TestMailroom;
    let org: TestOrg;

    beforeAll(async () => {
      dovecot = await startDovecot({ lmtp: true });
      dovecot.addUser('bounces', 'b0unce-pass');
      dovecot.addUser('plein', 'pw', { quotaBytes: 1000 });
      const lmtp = `lmtp:inet:127.0.0.1:${dovecot.lmtpPort}`;
      // Nothing listens there: Postfix retries, then gives up when the (5 s) queue lifetime ends.
      const closed = await freePort();
      postfix = await startPostfix({ transports: { 'dest.test': lmtp, 'bounce.test': lmtp, 'lent.test': `smtp:[127.0.0.1]:${closed}` }, queueLifetimeSeconds: 5 });
      mr = await startTestMailroom({ env: { SMTP_URL: `smtp://127.0.0.1:${postfix.port}?ignore_tls=true` } });
      org = await mr.newOrganization('Aéroclub du Lac');
      const put = await org.admin.put('/api/v1/settings/delivery', {
        bounceDomain: 'bounce.test',
        mailbox: { host: dovecot.host, port: dovecot.port, security: 'none', username: 'bounces', password: 'b0unce-pass' },
      });
      expect(put.status).toBe(200);
    });
    afterAll(async () => {
      await mr?.stop();
      await postfix?.close();
      await dovecot?.close();
    });

    it('records user unknown, mailbox full and expired on the right messages, and flags only the dead address', async () => {
      const cases = [
        { address: 'inconnu@dest.test', reason: 'user-unknown', status: '5.1.1', dead: true },
        { address: 'plein@dest.test', reason: 'mailbox-full', status: '5.2.2', dead: false },
        { address: 'pilote@lent.test', reason: 'expired', status: '4.4.1', dead: false },
      ];
      const sent: ((typeof cases)[number] & { id: string; memberId: string })[] = [];
      for (const c of cases) {
        const member = (await org.staff.post('/api/v1/members', { firstName: 'Membre', lastName: c.reason, emails: [{ address: c.address }] })).body;
        // Over the 1000-byte quota of plein@, well under any size limit.
        const res = await org.staff.post('/api/v1/emails', { to: c.address, subject: `Convocation ${c.reason}`, text: 'Assemblée générale le 12 décembre. '.repeat(80), memberId: member.id });
        expect(res.status).toBe(202);
        sent.push({ ...c, id: res.body.id as string, memberId: member.id as string });
      }

      const details = await eventually(async () => {
        const sync = await org.staff.post('/api/v1/sent-emails/sync');
        await mr.app.temporal.workflow.getHandle(sync.body.workflowId).result();
        const all = await Promise.all(sent.map(async (s) => (await org.staff.get(`/api/v1/sent-emails/${s.id}`)).body));
        return all.every((d) => d.status === 'bounced') ? all : undefined;
      }, 60_000, 1_000).catch((err) => {
        throw new Error(`${err}\n--- postfix log ---\n${postfix.log()}\n--- dovecot log ---\n${dovecot.log()}`);
      });

      for (const [i, s] of sent.entries()) {
        const d = details[i];
        // Matched by its VERP address, with Postfix's own status and the reason from the one table.
        expect(d.reports).toEqual([expect.objectContaining({ recipient: s.address, status: s.status, matchedBy: 'verp', bounce: expect.objectContaining({ reason: s.reason, deadAddress: s.dead }) })]);
        expect(d.bounce).toMatchObject({ reason: s.reason, deadAddress: s.dead });
        expect(d.recipients).toEqual([expect.objectContaining({ address: s.address, status: 'bounced', bounce: expect.objectContaining({ reason: s.reason }) })]);
        const member = (await org.staff.get(`/api/v1/members/${s.memberId}`)).body;
        expect(member.emails[0].invalid).toBe(s.dead);
      }
      // The sent log filters by reason.
      const full = (await org.staff.get('/api/v1/sent-emails?reason=mailbox-full')).body;
      expect(full.items.map((e: { id: string }) => e.id)).toEqual([sent[1]!.id]);
    });
  },
);
