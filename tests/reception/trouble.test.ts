import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ignoreClientGone } from '../../src/api/client-gone';
import { eventually } from '../helpers/http';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

const USER = 'trouble';
const PASS = 'trouble-pass';

const mail = (h: Record<string, string>, body = 'Bonjour', extra: string[] = []) =>
  [...Object.entries(h).map(([k, v]) => `${k}: ${v}`), 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', body, ...extra, '--b--', ''].join('\r\n');
const part = (type: string, disposition: string) => ['--b', `Content-Type: ${type}`, `Content-Disposition: ${disposition}`, '', 'contenu'];

describeIfServer('Temporal dev server and Dovecot', temporalAvailable() && dovecotAvailable())('no message can stop a mailbox; nothing vanishes', () => {
  jest.setTimeout(120_000);
  let dovecot: TestDovecot;
  let mr: TestMailroom;
  let org: TestOrg;
  let other: TestOrg;

  const status = async () => (await org.staff.get('/api/v1/mailbox/status')).body;
  const rows = () => mr.db.prisma.receivedMail.findMany({ where: { organizationId: org.organizationId }, orderBy: { uid: 'asc' }, include: { attachments: { include: { document: true } } } });

  beforeAll(async () => {
    dovecot = await startDovecot();
    dovecot.addUser(USER, PASS);
    // 64 KB: a larger mail goes to quarantine, where staff can retry it.
    mr = await startTestMailroom({ env: { RECEPTION_MAX_MESSAGE_BYTES: String(64 * 1024) } });
    org = await mr.newOrganization('Club');
    other = await mr.newOrganization('Other');
    const append = (raw: string) => dovecot.appendMessage(USER, PASS, 'INBOX', raw);
    await append(mail({ From: '=?UTF-8?Q?Jos=00iane?= <j@example.org>', Subject: '=?UTF-8?Q?nul=00ici?=', 'Message-ID': '<=?UTF-8?Q?a=00b?=@example.org>', Date: 'Fri, 31 Dec 9999 23:59:59 -1400' }));
    await append(mail({ From: 'j@example.org', Subject: 'long id', 'Message-ID': `<${'x'.repeat(3000)}@example.org>`, Date: 'Mon, 1 Jan 10000 00:00:00 +0000' }));
    await append(mail({ From: 'j@example.org', Subject: 'noms', 'Message-ID': '<names@example.org>' }, 'pièces', [
      ...part('application/octet-stream', "attachment; filename*=UTF-8''x%0A..%2F..%2Fetc%2Fpasswd"), ...part('application/pdf', 'attachment; filename=".."'),
      ...part('application/日本語', 'attachment; filename="=?UTF-8?Q?invoice=E2=80=AEfdp.exe?="'), ...part('text/plain', 'attachment; filename="a=?UTF-8?Q?=E2=80=A8?=b.txt"'),
    ]));
    await append(mail({ From: 'j@example.org', Subject: 'Certificat', 'Message-ID': '<reused@example.org>' }, 'le vrai'));
    await append(mail({ From: 'j@example.org', Subject: 'Certificat', 'Message-ID': '<reused@example.org>' }, 'un autre'));
    await append(mail({ From: 'j@example.org', Subject: 'Certificat', 'Message-ID': '<reused@example.org>' }, 'le vrai'));
    await append(mail({ From: 'j@example.org', Subject: 'gros', 'Message-ID': '<big@example.org>' }, 'A'.repeat(100 * 1024)));
    await append(mail({ From: 'j@example.org', Subject: 'gros 2', 'Message-ID': '<big2@example.org>' }, 'B'.repeat(100 * 1024)));
    await org.admin.put('/api/v1/settings/mailbox', { host: dovecot.host, port: dovecot.port, security: 'none', username: USER, password: PASS, pollIntervalSeconds: 3600 });
    await eventually(async () => ((await status()).lastUid === '8' ? true : undefined), 60_000, 200);
  });
  afterAll(async () => {
    await mr?.stop();
    await dovecot?.close();
  });

  it('stores every hostile message, past the whole folder, without an error', async () => {
    const s = await status();
    expect(s).toMatchObject({ lastError: null, trouble: null, duplicatesSkipped: 1, counts: { unassigned: 5, quarantined: 2 } });
    const all = await rows();
    // The two mails over the size limit are kept raw, unread (no subject yet).
    expect(all.map((r) => r.subject)).toEqual(['nulici', 'long id', 'noms', 'Certificat', 'Certificat', null, null]);
    expect(all[0]).toMatchObject({ fromName: 'Josiane', messageId: '<ab@example.org>' });
    // Unknown dates stay unknown, with what the sender wrote.
    expect(all[1]).toMatchObject({ date: null, dateHeader: 'Mon, 1 Jan 10000 00:00:00 +0000' });
  });

  it('names attachments safely and serves an odd content type as application/octet-stream', async () => {
    const names = (await rows()).find((r) => r.subject === 'noms')!.attachments.map((a) => a.document);
    expect(names.map((d) => d.filename).sort()).toEqual(['ab.txt', 'attachment-2', 'invoicefdp.exe', 'x._._etc_passwd']);
    const odd = names.find((d) => d.contentType === 'application/日本語')!;
    const res = await org.staff.get(`/api/v1/documents/${odd.id}/content`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="invoicefdp.exe"; filename*=UTF-8''invoicefdp.exe`);
  });

  it('keeps a different mail reusing a Message-ID, and lists a true duplicate with a link to its twin', async () => {
    const certs = (await rows()).filter((r) => r.subject === 'Certificat');
    expect(certs.map((r) => r.textBody?.trim())).toEqual(['le vrai', 'un autre']);
    const dups = (await org.staff.get('/api/v1/mailbox/duplicates')).body;
    expect(dups).toMatchObject({ total: 1, items: [{ uid: '6', messageId: '<reused@example.org>', twinId: certs[0]!.id, twinUrl: `/api/v1/received-mails/${certs[0]!.id}` }] });
    expect((await other.staff.get('/api/v1/mailbox/duplicates')).status).toBe(404);
  });

  it('lets staff retry or discard a quarantined mail, in their organisation only', async () => {
    const s = await status();
    const big2 = (await rows()).find((r) => r.uid === 8n)!;
    // Not parsed (too large), yet named: its Message-ID is read from the head of the raw message.
    expect(s.lastQuarantined).toMatchObject({ id: big2.id, uid: '8', messageId: '<big2@example.org>' });
    expect(s.lastQuarantined.reason).toContain('larger than');
    const big = (await rows()).find((r) => r.uid === 7n)!;
    expect((await other.staff.post(`/api/v1/received-mails/${big.id}/retry`)).status).toBe(404);
    expect((await other.staff.delete(`/api/v1/received-mails/${big.id}`)).status).toBe(404);

    const retried = await org.staff.post(`/api/v1/received-mails/${big.id}/retry`);
    expect(retried.body).toMatchObject({ outcome: 'unassigned', twinId: null });
    expect((await org.staff.get(`/api/v1/received-mails/${retried.body.id}`)).body).toMatchObject({ category: 'unassigned', subject: 'gros', messageId: '<big@example.org>' });
    // Only quarantined mail can be retried or discarded.
    expect((await org.staff.post(`/api/v1/received-mails/${retried.body.id}/retry`)).status).toBe(409);
    expect((await org.staff.delete(`/api/v1/received-mails/${retried.body.id}`)).status).toBe(409);

    expect((await org.staff.delete(`/api/v1/received-mails/${big2.id}`)).status).toBe(204);
    expect((await org.staff.get(`/api/v1/received-mails/${big2.id}`)).status).toBe(404);
    expect((await status()).counts.quarantined ?? 0).toBe(0);
  });

  it('does not treat a client leaving a download as an error', async () => {
    // What a browser closing the tab does to the response stream.
    const res = new Writable({ write: (_c, _e, cb) => cb() });
    const source = new PassThrough();
    const done = pipeline(source, res).catch(ignoreClientGone);
    source.write('x');
    res.destroy();
    await expect(done).resolves.toBeUndefined();
    await expect(pipeline(Readable.from(['x']), new Writable({ write: (_c, _e, cb) => cb(new Error('disk full')) })).catch(ignoreClientGone)).rejects.toThrow('disk full');
  });
});
