import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readInThread, stopParseThreads } from '../../src/reception/parse-thread';
import { readMail, type ReadMail } from '../../src/reception/read-mail';
import { createStorage } from '../../src/storage';
import { alternative, autoReply, brokenBoundary, certificat, hostileHtml, hugeHtml, latin1, nested, noFrom, simple } from './mails';

/*
 * Mail read on the parsing thread is read exactly as on the main thread (the
 * same fields, the same files in the same storage), hostile mail included;
 * and a thread that stops loses no mail: those it was reading are read on the
 * main thread, and the next ones start a new thread.
 */
const storage = createStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-parse-thread-')));
const inThread = readInThread(storage);
const here = (raw: Buffer, maxBytes: number) => readMail(storage, maxBytes, raw, () => Promise.reject(new Error('in memory')));
const MAX = 1024 * 1024;

/** A multipart nested `depth` levels deep (mailsplit refuses past its limit of child nodes). */
function deep(depth: number): string {
  const lines = ['From: a@club.example', 'Subject: deep', 'Message-ID: <deep@club.example>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b0"', ''];
  for (let i = 0; i < depth; i++) lines.push(`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, '');
  lines.push(`--b${depth}`, 'Content-Type: text/plain', '', 'hello');
  for (let i = depth; i >= 0; i--) lines.push(`--b${i}--`);
  return [...lines, ''].join('\r\n');
}

const from = 'member@club.example';
const samples: [string, Buffer][] = ([
  ['certificate (RFC 2231 filename)', certificat(from)],
  ['alternative', alternative(from)],
  ['nested with inline image', nested(from)],
  ['latin1', latin1(from)],
  ['no From', noFrom()],
  ['broken boundary', brokenBoundary(from)],
  ['hostile HTML', hostileHtml(from)],
  ['auto-reply', autoReply(from)],
  ['simple', simple(from, 'Bonjour')],
  ['HTML over 2 MiB', hugeHtml(from, 3)],
  ['multipart 100 deep', deep(100)],
  ['multipart 5,000 deep', deep(5000)],
  ['not mail at all', '\u0000\u0001 garbage \r\r\n\n=?utf-8?'],
] as [string, string][]).map(([name, raw]) => [name, Buffer.from(raw)] as [string, Buffer]);

// Attachments in the order they were stored, which two parses need not share; without their keys,
// as each thread packs into a pack of its own (the bytes behind the keys are compared instead).
const comparable = (m: ReadMail) => ({
  ...m,
  raw: { ...m.raw, key: undefined },
  attachments: [...m.attachments].sort((a, b) => a.sha256.localeCompare(b.sha256)).map((a) => ({ ...a, key: undefined })),
});
const sha256 = async (key: string) => createHash('sha256').update(await storage.read(key)).digest('hex');

describe('the parsing thread', () => {
  afterAll(() => stopParseThreads());

  it.each(samples)('reads %s as the main thread does', async (_name, raw) => {
    const [there, mine] = await Promise.all([inThread(raw, 4 * MAX), here(raw, 4 * MAX)]);
    expect(comparable(there)).toEqual(comparable(mine));
    expect(there.date === undefined || there.date === null || there.date instanceof Date).toBe(true);
    for (const stored of [there.raw, ...there.attachments, mine.raw, ...mine.attachments]) expect(await sha256(stored.key)).toBe(stored.sha256);
  });

  it('quarantines what is too large or too deep, with the reason', async () => {
    expect((await inThread(Buffer.from(hugeHtml(from, 2)), MAX)).quarantine).toMatch(/^larger than the 1 MB limit/);
    expect((await inThread(Buffer.from(deep(5000)), MAX)).quarantine).toMatch(/^could not be parsed: /);
  });

  it('loses no mail when the thread stops: those in hand are read here, the next ones by a new thread', async () => {
    const raws = Array.from({ length: 40 }, (_, i) => Buffer.from(i % 2 ? certificat(`m${i}@club.example`) : simple(`m${i}@club.example`, `Mail ${i}`)));
    const reading = raws.map((raw) => inThread(raw, MAX));
    await stopParseThreads();
    const read = await Promise.all(reading);
    expect(read.map((m) => m.subject)).toEqual(await Promise.all(raws.map(async (raw) => (await here(raw, MAX)).subject)));
    const again = await inThread(Buffer.from(simple(from, 'After the stop')), MAX);
    expect(again.subject).toBe('After the stop');
  });
});
