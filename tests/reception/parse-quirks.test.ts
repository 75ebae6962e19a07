import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseStored } from '../../src/reception/parse-stored';
import { createStorage } from '../../src/storage';

const storage = createStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-parse-')));
const parse = (raw: string | Buffer, chunk = 0) => {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1');
  // Whole in memory (small mail), or streamed in chunks like a large download, to prove the fixes survive any cut.
  if (!chunk) return parseStored(buf, storage);
  const parts = Array.from({ length: Math.ceil(buf.length / chunk) }, (_, i) => buf.subarray(i * chunk, (i + 1) * chunk));
  return parseStored(Readable.from(parts), storage);
};

describe('parsing mail as mail clients do', () => {
  it.each([0, 1, 3, 7])('reads old Mac mail with bare CR line ends (chunks of %i bytes)', async (chunk) => {
    const p = await parse('From: Jean Martin <jean@example.org>\rSubject: Vieux Mac\rDate: Mon, 1 Jan 2001 10:00:00 +0000\r\rLigne 1\rLigne 2\r', chunk);
    expect(p.from).toEqual({ address: 'jean@example.org', name: 'Jean Martin' });
    expect(p.subject).toBe('Vieux Mac');
    expect(p.date?.toISOString()).toBe('2001-01-01T10:00:00.000Z');
    expect(p.text?.replace(/\r?\n/g, '|')).toMatch(/^Ligne 1\|Ligne 2/);
  });

  it('decodes UTF-7 encoded words (RFC 2152), B and Q', async () => {
    const b = Buffer.from('Caf+AOk-').toString('base64');
    const p = await parse(`From: =?utf-7?Q?Ren+AOk-?= <r@example.org>\r\nSubject: =?UTF-7?B?${b}?= au lait\r\n\r\nhi\r\n`);
    expect(p.subject).toBe('Café au lait');
    expect(p.from?.name).toBe('René');
    expect((await parse(`Subject: =?UTF-7?B?${b}?=\r\n\r\nhi\r\n`, 4)).subject).toBe('Café');
  });

  it('reads 8-bit bytes inside an encoded word in its charset, and bare 8-bit headers best-effort', async () => {
    const raw = Buffer.concat([Buffer.from('From: a@example.org\r\nSubject: =?iso-8859-1?Q?'), Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from('?= et '), Buffer.from([0xe0]), Buffer.from(' bient\xf4t\r\n\r\nhi\r\n', 'latin1')]);
    expect((await parse(raw)).subject).toBe('été et à bientôt');
    expect((await parse(raw, 5)).subject).toBe('été et à bientôt');
    // UTF-8 headers (RFC 6532) are left as they are.
    expect((await parse(Buffer.from('From: a@example.org\r\nSubject: Réunion à 18 h\r\n\r\nhi\r\n'))).subject).toBe('Réunion à 18 h');
  });

  it('keeps an unreadable Date as unknown with its text, and a year past 9999 too', async () => {
    const p = await parse('From: a@example.org\r\nDate: le 3 mars vers midi\r\n\r\nhi\r\n');
    expect(p.date).toBeNull();
    expect(p.dateHeader).toBe('le 3 mars vers midi');
    const far = await parse('From: a@example.org\r\nDate: Mon, 1 Jan 10000 00:00:00 +0000\r\n\r\nhi\r\n');
    expect(far.date).toBeNull();
    expect(far.dateHeader).toBe('Mon, 1 Jan 10000 00:00:00 +0000');
  });

  it('keeps the display name of a From without an address', async () => {
    const p = await parse('From: Jean Dupont\r\nSubject: x\r\n\r\nhi\r\n');
    expect(p.from).toEqual({ address: null, name: 'Jean Dupont' });
  });

  it('names attachments safely after every decoding step', async () => {
    const raw = [
      'From: a@example.org', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'hi',
      '--b', "Content-Type: application/octet-stream", "Content-Disposition: attachment; filename*=UTF-8''x%0A..%2F..%2Fetc%2Fpasswd", '', 'root', '--b',
      'Content-Type: application/pdf', 'Content-Disposition: attachment; filename="=?UTF-8?Q?invoice=E2=80=AEfdp.exe?="', '', 'MZ', '--b',
      'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename=".."', '', 'x', '--b--', '',
    ].join('\r\n');
    const names = (await parse(raw)).attachments.map((a) => a.filename).sort();
    expect(names).toEqual(['attachment-3', 'invoicefdp.exe', 'x._._etc_passwd']);
  });
});
