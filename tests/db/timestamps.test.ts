import fc from 'fast-check';
import { keysetPage, utc } from '../../src/db/keyset';
import { BOTH_DATABASES, type TestDatabase } from '../helpers/db';

const FIRST = Date.parse('0001-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

// Raw SQL reads timestamps through the driver's parser. PGlite's own (`new Date(text)`) read years
// 1–99 a century or two off ("0050-…" as 1950, "0001-…" as 2001), and the lists showed those dates
// for validities, bookings and periods the API had accepted (src/db/sql.ts).
describe.each(BOTH_DATABASES)('timestamps read by raw SQL on %s', (_name, open) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await open();
    await db.sql.exec('CREATE TABLE "Stamp" ("organizationId" text, "at" timestamp(3), "id" text)');
  });
  afterAll(async () => db?.drop());

  it('gives back every instant of years 1–9999 as written, timestamp(3) read as UTC or timestamptz', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: FIRST, max: LAST }), async (ms) => {
        const iso = new Date(ms).toISOString();
        const [row] = await db.sql.query<{ a: Date; b: Date }>(
          `SELECT ($1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS a, $1::timestamptz AS b`,
          [iso],
        );
        expect([row!.a.toISOString(), row!.b.toISOString()]).toEqual([iso, iso]);
      }),
      { numRuns: 300, examples: [[FIRST], [LAST], [Date.parse('0013-01-01T05:06:07.089Z')], [Date.parse('0050-06-01T00:00:00Z')], [Date.parse('0099-12-31T23:59:59.999Z')], [Date.parse('1582-10-10T00:00:00Z')]] },
    );
  });

  it('lists rows of year 1 to 99 with their own dates (a keyset page)', async () => {
    const dates = ['0001-01-01T00:00:00.000Z', '0049-03-04T05:06:07.089Z', '0050-06-01T00:00:00.000Z', '0099-12-31T23:59:59.999Z', '2026-12-07T10:00:00.000Z'];
    for (const [i, d] of dates.entries()) await db.sql.query(`INSERT INTO "Stamp" VALUES ('o', ($1::timestamptz AT TIME ZONE 'UTC'), $2)`, [d, `s${i}`]);
    const page = await keysetPage(db.sql, {
      table: '"Stamp"', where: ['"organizationId" = $1'], params: ['o'], descending: false,
      order: [{ column: '"at"', type: 'timestamp' }, { column: '"id"', type: 'text' }], columns: ['"id"', utc('"at"', 'when')],
    }, { page: 1, pageSize: 10 });
    expect(page.items.map((r) => (r.when as Date).toISOString())).toEqual(dates);
  });
});
