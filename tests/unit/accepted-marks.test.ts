import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acceptedMarkKey, createAcceptedMarks, MARKS_FOLDER, readJournals, type AcceptedMark } from '../../src/mail/accepted-marks';
import { createStorage } from '../../src/storage';

const mark = (attempt: number): AcceptedMark => ({ response: '250 ok', accepted: ['a@example.org'], rejected: [], transport: 'platform SMTP', attempt, at: new Date(0).toISOString() });

describe('accepted marks (journals)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-marks-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const journals = () => fs.readdirSync(path.join(root, MARKS_FOLDER));

  it("finds another worker's marks by message and attempt, and ignores a line cut short", async () => {
    const storage = createStorage(root);
    const dead = createAcceptedMarks(storage);
    dead.mark('m1', mark(1));
    dead.mark('m2', mark(2));
    // The process died inside its last write.
    fs.appendFileSync(path.join(root, MARKS_FOLDER, journals()[0]!), '{"id":"m3","respo');
    const { find } = await createAcceptedMarks(storage).journals();
    expect(await find('m1', 1)).toEqual(mark(1));
    expect(await find('m2', 1)).toBeNull(); // an older attempt's mark says nothing of a later one
    expect(await find('m2', 2)).toEqual(mark(2));
    expect(await find('m3', 1)).toBeNull();
  });

  it('keeps where a message was stored before it is sent, never taken for a mark, until the database has it', async () => {
    const storage = createStorage(root);
    const dead = createAcceptedMarks(storage);
    dead.stored('m1', 1, 'packs/1-1-a.pack/0/10');
    dead.stored('m2', 1, 'packs/1-1-a.pack/10/10');
    dead.mark('m2', { ...mark(1), key: 'packs/1-1-a.pack/10/10' });
    dead.stored('m1', 2, 'packs/1-1-b.pack/0/12'); // a later attempt stored it again
    const { find, storedKey } = await createAcceptedMarks(storage).journals();
    expect(await find('m1', 1)).toBeNull();
    expect(await find('m1', 2)).toBeNull();
    expect(storedKey('m1')).toBe('packs/1-1-b.pack/0/12');
    expect(await find('m2', 1)).toEqual({ ...mark(1), key: 'packs/1-1-a.pack/10/10' });
    expect([...(await readJournals(path.join(root, MARKS_FOLDER))).keys()]).toEqual(['m2']);

    // Like a mark, a stored line holds its journal until recorded.
    const live = createAcceptedMarks(storage);
    const before = journals().length;
    for (let i = 0; i < 150; i++) live.stored(`s${i}`, 1, `packs/1-1-c.pack/${i}/1`);
    live.recorded(Array.from({ length: 149 }, (_, i) => `s${i}`));
    await new Promise((r) => setTimeout(r, 50));
    expect(journals()).toHaveLength(before + 1);
    live.recorded(['s149']);
    await new Promise((r) => setTimeout(r, 50));
    expect(journals()).toHaveLength(before);
  });

  it('still reads a first-version mark file', async () => {
    const storage = createStorage(root);
    await storage.putNamed(acceptedMarkKey('old'), JSON.stringify(mark(1)));
    const marks = createAcceptedMarks(storage);
    expect(await (await marks.journals()).find('old', 1)).toEqual(mark(1));
    await marks.clear(['old']);
    expect(await storage.exists(acceptedMarkKey('old'))).toBe(false);
  });

  it('removes a journal once all its marks are recorded and it has served its turn', async () => {
    const storage = createStorage(root);
    const marks = createAcceptedMarks(storage);
    const ids = Array.from({ length: 1500 }, (_, i) => `m${i}`);
    for (const id of ids.slice(0, 1000)) marks.mark(id, mark(1));
    marks.mark(ids[1000]!, mark(1)); // the 1,001st opens a second journal
    expect(journals()).toHaveLength(2);
    marks.recorded(ids.slice(0, 1000));
    await new Promise((r) => setTimeout(r, 50));
    expect(journals()).toHaveLength(1);
    // A journal that has taken 100 marks or more goes when they are all recorded.
    for (const id of ids.slice(1001, 1200)) marks.mark(id, mark(1));
    marks.recorded(ids.slice(1000, 1200));
    await new Promise((r) => setTimeout(r, 50));
    expect(journals()).toHaveLength(0);
    // A small one stays open for the next marks (no file created per message).
    marks.mark('x', mark(1));
    marks.recorded(['x']);
    marks.mark('y', mark(1));
    expect(journals()).toHaveLength(1);
  });

  it('opens a new journal when its own was removed under it', async () => {
    const storage = createStorage(root);
    const marks = createAcceptedMarks(storage);
    marks.mark('a', mark(1));
    fs.rmSync(path.join(root, MARKS_FOLDER, journals()[0]!));
    marks.mark('b', mark(1));
    expect(await (await createAcceptedMarks(storage).journals()).find('b', 1)).toEqual(mark(1));
  });

  it('removes a journal nobody has written to for a week when it reads the journals', async () => {
    const storage = createStorage(root);
    createAcceptedMarks(storage).mark('gone', mark(1));
    const file = path.join(root, MARKS_FOLDER, journals()[0]!);
    const old = new Date(Date.now() - 8 * 24 * 3600_000);
    fs.utimesSync(file, old, old);
    expect(await (await createAcceptedMarks(storage).journals()).find('gone', 1)).toBeNull();
    expect(journals()).toEqual([]);
  });
});
