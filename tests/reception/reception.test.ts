import { ImapFlow } from 'imapflow';
import { eventually } from '../helpers/http';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { replayWorkflow } from '../helpers/replay';
import { describeIfServer } from '../helpers/require-server';
import * as m from './mails';

const USER = 'documents';
const PASS = 'club-pass';

describeIfServer('Temporal dev server and Dovecot', temporalAvailable() && dovecotAvailable())('mail reception from the IMAP mailbox', () => {
  jest.setTimeout(120_000);
  let dovecot: TestDovecot;
  let mr: TestMailroom;
  let org: TestOrg;
  let other: TestOrg;
  let secondWorker: TestMailroom | undefined;
  const members: Record<string, { id: string }> = {};

  const append = (raw: string, folder = 'INBOX') => dovecot.appendMessage(USER, PASS, folder, raw);
  const status = async () => (await org.staff.get('/api/v1/mailbox/status')).body;
  const total = async () => {
    const s = await status();
    return Object.values(s.counts as Record<string, number>).reduce((a, b) => a + b, 0);
  };
  const pollUntil = async (n: number) => {
    await org.staff.post('/api/v1/mailbox/poll');
    return eventually(async () => ((await total()) >= n ? status() : undefined), 60_000, 200);
  };
  const find = async (subject: string) => {
    const rows = await mr.db.prisma.receivedMail.findMany({ where: { organizationId: org.organizationId, subject } });
    expect(rows).toHaveLength(1);
    return (await org.staff.get(`/api/v1/received-mails/${rows[0]!.id}`)).body;
  };

  beforeAll(async () => {
    dovecot = await startDovecot();
    dovecot.addUser(USER, PASS);
    mr = await startTestMailroom({ env: { RECEPTION_MAX_MESSAGE_BYTES: String(16 * 1024 * 1024), RECEPTION_BATCH_SIZE: '20' } });
    org = await mr.newOrganization('Club de parachutisme');
    other = await mr.newOrganization('Other');
    const mk = async (key: string, first: string, last: string, emails: string[]) => {
      members[key] = (await org.staff.post('/api/v1/members', { firstName: first, lastName: last, emails: emails.map((address) => ({ address })) })).body;
    };
    await mk('josiane', 'Josiane', 'Mailly', ['josiane.mailly@example.org']);
    await mk('paul', 'Paul', 'Durand', ['famille@example.org', 'paul@example.org']);
    await mk('anne', 'Anne', 'Durand', ['famille@example.org']);
  });
  afterAll(async () => {
    await secondWorker?.app.stop();
    await mr?.stop();
    await dovecot?.close();
  });

  it('verifies the mailbox for real and explains a bad password', async () => {
    const ok = await org.admin.post('/api/v1/settings/mailbox/verify', { settings: { host: dovecot.host, port: dovecot.port, security: 'none', username: USER, password: PASS } });
    expect(ok.body).toMatchObject({ ok: true, messages: 0 });
    const bad = await org.admin.post('/api/v1/settings/mailbox/verify', { settings: { host: dovecot.host, port: dovecot.port, security: 'none', username: USER, password: 'wrong' } });
    expect(bad.body).toMatchObject({ ok: false, problem: 'AUTH_REJECTED' });
    expect(bad.body.hint).toContain('app password or OAuth2');
    const ssl = await org.admin.post('/api/v1/settings/mailbox/verify', { settings: { host: dovecot.host, port: dovecot.port, security: 'ssl', username: USER, password: PASS } });
    expect(ssl.body).toMatchObject({ ok: false, problem: 'TLS_MISMATCH_USE_STARTTLS_OR_NONE' });
  });

  it('files mail from a known sender on the member, attachments in their documents, whatever the MIME shape', async () => {
    const certificat = m.certificat('Josiane.Mailly@EXAMPLE.org');
    await append(certificat);
    await append(m.alternative('josiane.mailly@example.org'));
    await append(m.nested('josiane.mailly@example.org'));
    await append(m.latin1('josiane.mailly@example.org'));
    await append(m.big('josiane.mailly@example.org', 10 * 1024 * 1024, 'Vidéo de saut 10 Mo'));
    const put = await org.admin.put('/api/v1/settings/mailbox', { host: dovecot.host, port: dovecot.port, security: 'none', username: USER, password: PASS, pollIntervalSeconds: 3600 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ passwordSet: true, afterFiling: 'leave' });
    const s = await pollUntil(5);
    expect(s.counts.filed).toBe(5);

    const cert = await find('Certificat médical 2026');
    expect(cert).toMatchObject({ category: 'filed', memberId: members.josiane!.id, from: 'Josiane.Mailly@EXAMPLE.org' });
    expect(cert.attachmentList).toEqual([expect.objectContaining({ filename: 'certificat médical.pdf', contentType: 'application/pdf', size: m.PDF.length, memberId: members.josiane!.id })]);
    const pdf = await org.staff.get(`/api/v1/documents/${cert.attachmentList[0].id}/content`);
    expect(Buffer.from(pdf.text, 'latin1').length).toBe(m.PDF.length);
    // The same bytes and type as sent, and the raw mail as received (both packed in storage now).
    expect(pdf.text).toBe(m.PDF.toString('latin1'));
    expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect((await org.staff.get(cert.rawUrl)).text).toBe(certificat);

    const alt = await find('Question sur la cotisation');
    expect(alt.text).toContain('Texte brut');
    expect(alt.html).toContain('<b>HTML</b>');

    const nested = await find('Carnet de sauts et photo');
    expect(nested.attachmentList.map((a: { filename: string }) => a.filename).sort()).toEqual(['carnet-de-sauts.pdf', 'logo.png', 'photo.png']);
    const logo = nested.attachmentList.find((a: { filename: string }) => a.filename === 'logo.png');
    expect(logo.inline).toBe(true);
    expect(nested.html).toContain(`src="/api/v1/documents/${logo.id}/content"`);

    const latin = await find("Diplôme d'été");
    expect(latin.text).toContain('Voici mon diplôme');
    expect(latin.attachmentList[0].filename).toBe('diplôme été.pdf');

    const big = await find('Vidéo de saut 10 Mo');
    expect(big.attachmentList[0].size).toBe(10 * 1024 * 1024);

    const docs = (await org.staff.get(`/api/v1/members/${members.josiane!.id}/documents?pageSize=20`)).body;
    expect(docs.total).toBe(6); // 1 + 3 + 1 + 1 attachments
    const received = (await org.staff.get(`/api/v1/members/${members.josiane!.id}/received-mails`)).body;
    expect(received.total).toBe(5);
    await replayWorkflow(mr.app.temporal, put.body.id ? `mailbox-poll:${put.body.id}` : '');
  });

  it('leaves shared, unknown and sender-less mail for staff with the reason; sets aside automatic mail; never drops odd mail', async () => {
    await append(m.simple('famille@example.org', 'Inscription des enfants'));
    await append(m.simple('inconnu@example.net', 'Demande de renseignements'));
    await append(m.noFrom());
    await append(m.brokenBoundary('inconnu@example.net'));
    await append(m.autoReply('josiane.mailly@example.org'));
    await append(m.big('inconnu@example.net', 13 * 1024 * 1024, 'Trop gros'));
    await pollUntil(11);

    const shared = await find('Inscription des enfants');
    expect(shared).toMatchObject({ category: 'unassigned', memberId: null });
    expect(shared.candidates.sort()).toEqual([members.paul!.id, members.anne!.id].sort());
    expect(shared.reason).toContain('shared by 2 members');
    expect((await find('Demande de renseignements')).reason).toContain('no member has the address inconnu@example.net');
    expect((await find('Sans expéditeur')).reason).toContain('no sender');
    const broken = await find('Boundary cassee');
    expect(broken.category).toBe('unassigned');
    expect((await org.staff.get(broken.rawUrl)).text).toContain('--other');

    const auto = await mr.db.prisma.receivedMail.findFirstOrThrow({ where: { organizationId: org.organizationId, subject: 'Absent du bureau' } });
    expect(auto).toMatchObject({ category: 'report', memberId: null });
    const quarantine = (await org.staff.get('/api/v1/received-mails?category=quarantined')).body;
    expect(quarantine.total).toBe(1);
    expect(quarantine.items[0].reason).toMatch(/larger than the 16 MB limit/);
    // Neither is in the staff's everyday list.
    const all = (await org.staff.get('/api/v1/received-mails?pageSize=50')).body;
    expect(all.items.map((i: { category: string }) => i.category)).not.toContain('report');
  });

  it('shows HTML without scripts, handlers or remote images (tracking pixels stay silent)', async () => {
    await append(m.hostileHtml('inconnu@example.net'));
    await pollUntil(12);
    const mail = await find('Newsletter piégée');
    expect(mail.html).not.toMatch(/<script|onerror|onclick|javascript:/i);
    expect(mail.html).not.toMatch(/ src="https:\/\/tracker\.example/);
    expect(mail.html).toContain('data-blocked-src="https://tracker.example/pixel.gif?u=42"');
    expect(mail.blockedImages).toBe(1);
  });

  it('files by hand, moving the attachments, and can learn the address for next time', async () => {
    const mail = await find('Demande de renseignements');
    const res = await org.staff.post(`/api/v1/received-mails/${mail.id}/assign`, { memberId: members.paul!.id, addAddress: true });
    expect(res.body).toMatchObject({ category: 'filed', memberId: members.paul!.id, addressAdded: true });
    const nested = await find('Carnet de sauts et photo');
    await org.staff.post(`/api/v1/received-mails/${nested.id}/assign`, { memberId: members.anne!.id });
    const anneDocs = (await org.staff.get(`/api/v1/members/${members.anne!.id}/documents`)).body;
    expect(anneDocs.total).toBe(3);
    const row = await mr.db.prisma.receivedMail.findUniqueOrThrow({ where: { id: nested.id } });
    expect(row.assignedByKeyId).not.toBeNull();
    expect(row.assignedAt).not.toBeNull();
    // The learned address now files itself.
    await append(m.simple('inconnu@example.net', 'Deuxième demande'));
    await pollUntil(13);
    expect((await find('Deuxième demande')).memberId).toBe(members.paul!.id);
  });

  it('searches subject, sender and recipients without caring about case or accents, 10 a page', async () => {
    for (let i = 0; i < 23; i++) await append(m.simple('inconnu@example.net', `Relevé de vol ${String(i).padStart(2, '0')}`));
    await pollUntil(36);
    const accents = (await org.staff.get(`/api/v1/received-mails?q=${encodeURIComponent('releve de VOL')}`)).body;
    expect(accents).toMatchObject({ total: 23, totalIsLowerBound: false, page: 1, pageSize: 10, next: expect.any(String), previous: null });
    expect(accents.items).toHaveLength(10);
    const last = (await org.staff.get(`/api/v1/received-mails?q=${encodeURIComponent('Relevé')}&page=3`)).body;
    expect(last).toMatchObject({ next: null, previous: 2 });
    expect(last.items).toHaveLength(3);
    expect((await org.staff.get(`/api/v1/received-mails?q=${encodeURIComponent('certificat medical')}`)).body.total).toBe(1);
    expect((await org.staff.get('/api/v1/received-mails?q=JOSIANE.MAILLY')).body.total).toBeGreaterThanOrEqual(4);
    expect((await org.staff.get('/api/v1/received-mails?assigned=false&pageSize=50')).body.items.every((i: { category: string }) => i.category === 'unassigned')).toBe(true);
  });

  it('never stores a mail twice: re-polling from the start, a worker restart, a recreated folder (new UIDVALIDITY)', async () => {
    const before = await mr.db.prisma.receivedMail.count();
    await mr.db.prisma.mailboxAccount.update({ where: { organizationId: org.organizationId }, data: { lastUid: 0 } });
    await org.staff.post('/api/v1/mailbox/poll');
    await eventually(async () => (await mr.db.prisma.mailboxAccount.findFirstOrThrow({ where: { organizationId: org.organizationId } })).lastUid! > 30n);
    expect(await mr.db.prisma.receivedMail.count()).toBe(before);

    // A new worker process takes over the running workflow.
    const box = await mr.db.prisma.mailboxAccount.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    await mr.app.worker!.shutdown();
    // The replacement worker keeps running for the rest of the file (stopped in afterAll).
    secondWorker = await startTestMailroom({ db: mr.db, roles: { api: false, worker: true }, env: { ...mr.env, RECEPTION_BATCH_SIZE: '20' } });
    {
      await append(m.simple('paul@example.org', 'Après redémarrage'));
      await org.staff.post('/api/v1/mailbox/poll');
      await eventually(async () => mr.db.prisma.receivedMail.findFirst({ where: { subject: 'Après redémarrage' } }), 30_000);
      expect(await mr.db.prisma.receivedMail.count()).toBe(before + 1);

      // Recreate the folder: every message comes back with new UIDs under a new UIDVALIDITY.
      await dovecot.createFolder(USER, PASS, 'Club');
      await dovecot.appendMessage(USER, PASS, 'Club', m.simple('paul@example.org', 'Dans Club', '<keep-me@sender.example>'));
      await org.admin.put('/api/v1/settings/mailbox', { host: dovecot.host, port: dovecot.port, security: 'none', username: USER, password: PASS, folder: 'Club', pollIntervalSeconds: 3600 });
      await eventually(async () => mr.db.prisma.receivedMail.findFirst({ where: { subject: 'Dans Club' } }), 30_000);
      const v1 = (await mr.db.prisma.mailboxAccount.findUniqueOrThrow({ where: { id: box.id } })).uidValidity;
      await dovecot.deleteFolder(USER, PASS, 'Club');
      await dovecot.createFolder(USER, PASS, 'Club');
      await dovecot.appendMessage(USER, PASS, 'Club', m.simple('paul@example.org', 'Dans Club', '<keep-me@sender.example>'));
      await dovecot.appendMessage(USER, PASS, 'Club', m.simple('paul@example.org', 'Nouveau dans Club'));
      await org.staff.post('/api/v1/mailbox/poll');
      await eventually(async () => mr.db.prisma.receivedMail.findFirst({ where: { subject: 'Nouveau dans Club' } }), 30_000);
      expect((await mr.db.prisma.mailboxAccount.findUniqueOrThrow({ where: { id: box.id } })).uidValidity).not.toBe(v1);
      expect(await mr.db.prisma.receivedMail.count({ where: { subject: 'Dans Club' } })).toBe(1);
    }
  });

  it('survives the IMAP server going away mid-fetch: the error shows, the next poll resumes, nothing lost or doubled', async () => {
    const folderBox = await mr.db.prisma.mailboxAccount.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    const start = await mr.db.prisma.receivedMail.count({ where: { mailboxId: folderBox.id } });
    for (let i = 0; i < 30; i++) await dovecot.appendMessage(USER, PASS, folderBox.folder, m.simple('paul@example.org', `Lot ${i}`));
    await org.staff.post('/api/v1/mailbox/poll');
    await eventually(async () => (await mr.db.prisma.receivedMail.count({ where: { mailboxId: folderBox.id } })) > start, 30_000, 20);
    await dovecot.stop();
    await org.staff.post('/api/v1/mailbox/poll');
    const down = await eventually(async () => {
      const s = await status();
      return s.lastError ? s : undefined;
    }, 30_000);
    expect(down.lastError).toBeTruthy();
    await dovecot.start();
    await org.staff.post('/api/v1/mailbox/poll');
    await eventually(async () => (await mr.db.prisma.receivedMail.count({ where: { mailboxId: folderBox.id } })) === start + 30, 60_000);
    const subjects = (await mr.db.prisma.receivedMail.findMany({ where: { subject: { startsWith: 'Lot ' } }, select: { subject: true } })).map((r) => r.subject);
    expect(new Set(subjects).size).toBe(30);
    // The error is cleared when the poll ends, after its last group was committed (and the IMAP
    // logout): the count can be complete a moment before.
    expect(await eventually(async () => ((await status()).lastError === null ? true : undefined), 10_000)).toBe(true);
  });

  it('after filing, leaves the mail untouched by default, or marks it seen, or moves it to a folder', async () => {
    const flags = async (user: string, folder: string) => {
      const client = new ImapFlow(dovecot.clientOptions(user, PASS));
      await client.connect();
      try {
        await client.mailboxOpen(folder, { readOnly: true });
        const out: { subject: string; seen: boolean }[] = [];
        for await (const msg of client.fetch('1:*', { envelope: true, flags: true })) out.push({ subject: msg.envelope?.subject ?? '', seen: msg.flags?.has('\\Seen') ?? false });
        return out;
      } finally {
        await client.logout();
      }
    };
    // Everything the main mailbox filed so far ("leave", the default) is still unread on the server.
    const main = await mr.db.prisma.mailboxAccount.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    expect((await flags(USER, main.folder)).filter((f) => f.seen)).toEqual([]);

    const home = await mr.newOrganization('Résidence les Tilleuls');
    dovecot.addUser('accueil', PASS);
    const count = () => mr.db.prisma.receivedMail.count({ where: { organizationId: home.organizationId } });
    for (const subject of ['Lu 1', 'Lu 2', 'Lu 3']) await dovecot.appendMessage('accueil', PASS, 'INBOX', m.simple('famille@example.org', subject));
    const settings = { host: dovecot.host, port: dovecot.port, security: 'none', username: 'accueil', password: PASS, pollIntervalSeconds: 3600 };
    const noFolder = await home.admin.put('/api/v1/settings/mailbox', { ...settings, afterFiling: 'move' });
    expect(noFolder.status).toBe(422);
    expect(noFolder.body.errors).toEqual([expect.objectContaining({ field: 'body.moveToFolder' })]);
    await home.admin.put('/api/v1/settings/mailbox', { ...settings, afterFiling: 'seen' });
    await eventually(async () => ((await count()) === 3 ? true : undefined), 30_000);
    await eventually(async () => ((await flags('accueil', 'INBOX')).every((f) => f.seen) ? true : undefined), 10_000);

    await dovecot.createFolder('accueil', PASS, 'Classés');
    await home.admin.put('/api/v1/settings/mailbox', { ...settings, afterFiling: 'move', moveToFolder: 'Classés' });
    for (const subject of ['Classé 1', 'Classé 2']) await dovecot.appendMessage('accueil', PASS, 'INBOX', m.simple('famille@example.org', subject));
    await home.staff.post('/api/v1/mailbox/poll');
    await eventually(async () => ((await count()) === 5 ? true : undefined), 30_000);
    const moved = await eventually(async () => {
      const f = await flags('accueil', 'Classés');
      return f.length === 2 ? f : undefined;
    }, 10_000);
    expect(moved.map((f) => f.subject).sort()).toEqual(['Classé 1', 'Classé 2']);
    expect((await flags('accueil', 'INBOX')).map((f) => f.subject).sort()).toEqual(['Lu 1', 'Lu 2', 'Lu 3']);
  });

  it('shows the text of a mail whose HTML is too large to show safely, and keeps the original', async () => {
    const box = await mr.db.prisma.mailboxAccount.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    const before = await total();
    await append(m.hugeHtml('catalogue@shop.example', 3), box.folder);
    await pollUntil(before + 1);
    const mail = await find('Catalogue complet');
    expect(mail).toMatchObject({ html: null, htmlTooLarge: true, blockedImages: 0 });
    expect(mail.text).toMatch(/^Notre catalogue d’hiver/); // the text mailparser derives from the HTML
    expect(mail.text).toContain('été');
    const raw = await org.staff.raw('GET', mail.rawUrl);
    expect(raw.status).toBe(200);
    // A mail of ordinary size still has its HTML shown.
    expect(await find('Newsletter piégée')).toMatchObject({ htmlTooLarge: false, html: expect.stringContaining('Bonjour') });
  });

  it("keeps every reception route to its own organisation", async () => {
    const mail = await mr.db.prisma.receivedMail.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    for (const [method, path, body] of [
      ['GET', `/api/v1/received-mails/${mail.id}`],
      ['GET', `/api/v1/received-mails/${mail.id}/raw`],
      ['POST', `/api/v1/received-mails/${mail.id}/assign`, { memberId: members.paul!.id }],
      ['GET', `/api/v1/members/${members.paul!.id}/received-mails`],
      ['GET', '/api/v1/settings/mailbox'],
      ['GET', '/api/v1/mailbox/status'],
      ['POST', '/api/v1/mailbox/poll'],
    ] as [string, string, unknown?][]) {
      expect({ path, status: (await other.admin.raw(method, path, body)).status }).toEqual({ path, status: 404 });
    }
    expect((await other.staff.get('/api/v1/received-mails')).body.total).toBe(0);
    // Nor can one organisation file its mail on another's member.
    const theirs = (await other.staff.post('/api/v1/members', { firstName: 'X', lastName: 'Y' })).body;
    expect((await org.staff.post(`/api/v1/received-mails/${mail.id}/assign`, { memberId: theirs.id })).status).toBe(422);
    expect((await org.staff.get('/api/v1/settings/mailbox')).status).toBe(403);
  });
});
