import fs from 'node:fs';
import path from 'node:path';
import { messageFiles, relativeName } from '../../src/delivery/bounce/files';
import { readBounce } from '../../src/delivery/bounce/read-bounce';
import { REASONS, type Reason } from '../../src/delivery/reasons';

/**
 * The real-world test set (tests/fixtures/bounces, sources and licences in
 * SOURCES.md): one row per message with what a person reading it sees —
 * is it a delivery report, which address failed, why, and is that address
 * dead. `pending` rows name what Mailroom does not read yet; they are held to
 * being recognised, and their number may only go down.
 */
interface Row {
  recognised: boolean;
  recipients: [string | null, Reason | null, boolean | null][];
  pending?: string;
}

const DIR = path.join(__dirname, '../fixtures/bounces');
const table = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, Row>;
const files = [...messageFiles(DIR)].map((f) => relativeName(DIR, f));
const rows = Object.entries(table);

describe('real-world bounces (tests/fixtures/bounces)', () => {
  it('has a row for every message, from enough places to mean something', () => {
    expect(files.sort()).toEqual(Object.keys(table).sort());
    expect(files.length).toBeGreaterThanOrEqual(150);
    expect(fs.readFileSync(path.join(DIR, 'SOURCES.md'), 'utf8')).toMatch(/licen[cs]e/i);
  });

  it.each(rows.filter(([, r]) => !r.pending))('%s', (file, row) => {
    const v = readBounce(fs.readFileSync(path.join(DIR, file)));
    expect(v.recognised).toBe(row.recognised);
    const got = v.recipients.map((r) => [r.address, r.reason, r.deadAddress]);
    expect(got).toEqual(row.recipients);
    // The verdict is the reasons table's, never decided apart from it.
    for (const r of v.recipients) expect(r.deadAddress).toBe(REASONS[r.reason].deadAddress);
  });

  it('pending rows are still recognised, and stay few', () => {
    const pending = rows.filter(([, r]) => r.pending);
    for (const [file] of pending) expect(readBounce(fs.readFileSync(path.join(DIR, file))).recognised).toBe(true);
    expect(pending.length).toBeLessThanOrEqual(3);
  });
});
