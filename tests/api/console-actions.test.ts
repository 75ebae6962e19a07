import PDFDocument from 'pdfkit';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { freePort } from '../helpers/ports';
import { describeIfServer } from '../helpers/require-server';
import { PNG } from '../reception/mails';

/** A real PDF, as a scanner or a word processor writes one. */
function realPdf(text: string): Promise<Buffer> {
  const doc = new PDFDocument();
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  doc.text(text);
  doc.end();
  return new Promise((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
}

/**
 * The routes the staff console's remaining screens need: IMAP presets, explained connection
 * tests as codes, inline previews, structure deletion and template reset.
 */
describeIfServer('Temporal dev server', temporalAvailable())('API for the console: presets, explained tests, previews, deletions', () => {
  let mr: TestMailroom;
  let a: TestOrg;
  let b: TestOrg;
  let memberId: string;

  beforeAll(async () => {
    mr = await startTestMailroom({ roles: { api: true, worker: false } });
    a = await mr.newOrganization('Aéroclub A');
    b = await mr.newOrganization('Résidence B');
    memberId = (await a.staff.post('/api/v1/members', { firstName: 'Josiane', lastName: 'Mailly' })).body.id;
  });
  afterAll(() => mr?.stop());

  it('lists the IMAP settings of common providers', async () => {
    const res = await a.staff.get('/api/v1/settings/mailbox/presets');
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.map((p: { id: string }) => [p.id, p]));
    expect(byId.gmail).toMatchObject({ host: 'imap.gmail.com', port: 993, security: 'ssl', oauthProvider: 'gmail' });
    expect(byId.microsoft365).toMatchObject({ host: 'outlook.office365.com', port: 993, auth: 'oauth2' });
    for (const id of ['ovh', 'infomaniak', 'proximus', 'telenet', 'orange', 'free', 'sfr', 'yahoo', 'icloud']) expect(byId[id]).toMatchObject({ port: 993, security: 'ssl' });
  });

  it('explains a failed connection test with a stable code and its values, SMTP and IMAP alike', async () => {
    const port = await freePort();
    const smtp = await a.admin.post('/api/v1/settings/smtp/verify', { settings: { host: '127.0.0.1', port, security: 'none', fromAddress: 'club@example.org' } });
    expect(smtp.body).toMatchObject({ ok: false, code: 'CONNECTION_REFUSED', params: { host: '127.0.0.1', port, otherPort: 465 } });
    expect(smtp.body.message).toBe(`127.0.0.1 refused the connection on port ${port}.`);
    const imap = await a.admin.post('/api/v1/settings/mailbox/verify', { settings: { host: '127.0.0.1', port, security: 'none', username: 'u', password: 'p' } });
    expect(imap.body).toMatchObject({ ok: false, code: 'CONNECTION_REFUSED', params: { host: '127.0.0.1', port } });
  });

  it('shows a PDF or an image inline only when its bytes prove it, never SVG or HTML, and keeps scripts out', async () => {
    const upload = async (filename: string, contentType: string, bytes: Buffer, org = a, member = memberId) =>
      (await org.staff.post(`/api/v1/members/${member}/documents`, { filename, contentType, contentBase64: bytes.toString('base64') })).body;
    const pdf = await upload('certificat.pdf', 'application/pdf', await realPdf('Certificat médical'));
    expect(pdf.inlineUrl).toBe(`/api/v1/documents/${pdf.id}/content?disposition=inline`);
    const shown = await a.staff.get(pdf.inlineUrl);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('application/pdf');
    expect(shown.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(shown.headers.get('x-content-type-options')).toBe('nosniff');
    expect(shown.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const csp = shown.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toMatch(/script-src|unsafe/);
    // Without the option it is still a sandboxed download.
    const dl = await a.staff.get(pdf.contentUrl);
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(dl.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    // An image sent as "application/octet-stream" is shown for what its bytes are, still sandboxed.
    const png = await upload('photo', 'application/octet-stream', PNG);
    const img = await a.staff.get(png.inlineUrl);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('content-security-policy')).toContain('sandbox');

    // SVG and HTML run scripts: download only, even asked inline. A "PDF" whose bytes are HTML too.
    const svg = await upload('dessin.svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'));
    const html = await upload('page.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
    const fake = await upload('facture.pdf', 'application/pdf', Buffer.from('<html><script>alert(1)</script></html>'));
    expect(svg.inlineUrl).toBeNull();
    expect(html.inlineUrl).toBeNull();
    for (const doc of [svg, html, fake]) {
      const res = await a.staff.get(`/api/v1/documents/${doc.id}/content?disposition=inline`);
      expect({ file: doc.filename, status: res.status, disposition: res.headers.get('content-disposition')?.split(';')[0] }).toEqual({ file: doc.filename, status: 200, disposition: 'attachment' });
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await a.staff.get(`/api/v1/documents/${pdf.id}/content?disposition=preview`)).status).toBe(400);
    // A raw upload with no bytes is no document (nothing is stored).
    const before = await mr.db.prisma.document.count({ where: { organizationId: a.organizationId } });
    const empty = await fetch(`${mr.url}/api/v1/members/${memberId}/documents?filename=vide.pdf`, { method: 'POST', headers: { Authorization: `Bearer ${a.staffKey}`, 'Content-Type': 'application/pdf' } });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ field: 'body', code: 'EMPTY_UPLOAD' })]);
    expect(await mr.db.prisma.document.count({ where: { organizationId: a.organizationId } })).toBe(before);
    // Another organisation's document stays unknown.
    expect((await b.staff.get(pdf.inlineUrl)).status).toBe(404);
  });

  it('deletes a structure (admin only, own organisation), refusing while one of its batches is sending', async () => {
    const s = (await a.admin.post('/api/v1/structures', { name: 'Résidence à fermer' })).body;
    const member = (await a.staff.post('/api/v1/members', { firstName: 'Paul', lastName: 'Durand', structureId: s.id })).body;
    expect((await a.staff.delete(`/api/v1/structures/${s.id}`)).status).toBe(403);
    expect((await b.admin.delete(`/api/v1/structures/${s.id}`)).status).toBe(404);
    const batch = await mr.db.prisma.invoiceBatch.create({ data: { organizationId: a.organizationId, structureId: s.id, period: '2024-09', total: 1, status: 'running' } });
    const refused = await a.admin.delete(`/api/v1/structures/${s.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CONFLICT', reason: 'BATCH_RUNNING', period: '2024-09' });
    await mr.db.prisma.invoiceBatch.update({ where: { id: batch.id }, data: { status: 'completed' } });
    expect((await a.admin.delete(`/api/v1/structures/${s.id}`)).status).toBe(204);
    expect((await a.admin.get(`/api/v1/structures/${s.id}`)).status).toBe(404);
    // The member stays, without a structure.
    expect((await a.staff.get(`/api/v1/members/${member.id}`)).body).toMatchObject({ id: member.id, structureId: null });
  });

  it('resets a template to the default text', async () => {
    const key = 'invoice';
    const source = async () => (await a.staff.get('/api/v1/templates')).body.find((t: { key: string }) => t.key === key);
    const defaults = await source();
    expect(defaults.source).toBe('default');
    expect((await a.admin.put(`/api/v1/templates/${key}`, { subject: 'Votre facture &numero', text: 'Bonjour &personne' })).status).toBe(200);
    expect((await source()).source).toBe('organization');
    expect((await a.staff.delete(`/api/v1/templates/${key}`)).status).toBe(403);
    expect((await a.admin.delete(`/api/v1/templates/${key}`)).status).toBe(204);
    expect(await source()).toEqual(defaults);
    expect((await a.admin.delete(`/api/v1/templates/${key}`)).status).toBe(404);
  });
});
