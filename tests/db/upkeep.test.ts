import { startUpkeep, upkeepPass } from '../../src/db/upkeep';
import { createPgliteDatabase, type TestDatabase } from '../helpers/db';

/**
 * The embedded database has no autovacuum: Mailroom's upkeep vacuums and analyses
 * the tables that need it, so the planner knows their sizes and counts read the
 * index alone.
 */
describe('embedded database upkeep (PGlite)', () => {
  let db: TestDatabase;
  let organizationId: string;
  beforeAll(async () => {
    db = await createPgliteDatabase();
    organizationId = (await db.prisma.organization.create({ data: { name: 'Club' } })).id;
  });
  afterAll(async () => db?.drop());

  const addSent = (from: number, count: number) =>
    db.sql.query(
      `INSERT INTO "SentEmail" (id, "organizationId", "idempotencyKey", "fromAddress", "to", subject, "messageId", status, "queuedAt", "updatedAt")
       SELECT 's' || j, $1, 'k' || j, 'club@example.org', ARRAY['m' || j || '@example.org'], 'Facture ' || j, '<k' || j || '@x>', 'sent', now(), now()
         FROM generate_series(${from}, ${from + count - 1}) j`,
      [organizationId],
    );
  const stats = async () => (await db.sql.query<{ reltuples: number }>(`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = '"SentEmail"'::regclass`))[0]!.reltuples;
  const countPlan = async () => {
    const [row] = await db.sql.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM "SentEmail" WHERE "organizationId" = $1`, [organizationId]);
    return JSON.stringify(row!['QUERY PLAN']);
  };

  it('analyses tables never analysed, then only those grown by a tenth, and every table when asked', async () => {
    await addSent(0, 5_000);
    expect(await stats()).toBeLessThan(0); // never analysed: the planner guesses
    const first = await upkeepPass(db.sql);
    expect(first).toContain('public."SentEmail"');
    expect(first).toContain('public."Organization"');
    expect(await stats()).toBe(5_000);
    // Vacuumed: the visibility map lets a count read the index without visiting the rows.
    expect(await countPlan()).toMatch(/"Heap Fetches":0/);

    expect(await upkeepPass(db.sql)).toEqual([]); // nothing changed since
    await addSent(5_000, 100); // 2 %: not yet
    expect(await upkeepPass(db.sql)).toEqual([]);
    await addSent(5_100, 2_000);
    expect(await upkeepPass(db.sql)).toEqual(['public."SentEmail"']);
    expect(await stats()).toBe(7_100);

    const all = await upkeepPass(db.sql, { all: true });
    expect(all.length).toBeGreaterThan(10);
    expect(all).toEqual(first);
  });

  it('runs on its own after the first delay, and stopping waits for the running pass', async () => {
    await addSent(10_000, 5_000);
    const passes: string[][] = [];
    const upkeep = startUpkeep(db.sql, { firstMs: 10, everyMs: 60_000, onPass: (t) => passes.push(t) });
    for (let i = 0; i < 200 && passes.length === 0; i += 1) await new Promise((r) => setTimeout(r, 25));
    await upkeep.stop();
    expect(passes).toEqual([['public."SentEmail"']]);
    expect(await stats()).toBe(12_100);
  });

  it('skips a table it cannot vacuum and goes on with the others', async () => {
    await db.sql.exec(`CREATE TABLE "Broken" (id int)`);
    const failed: string[] = [];
    const failing = { query: db.sql.query, exec: (s: string) => (s.includes('"Broken"') ? Promise.reject(new Error('locked')) : db.sql.exec(s)) };
    const done = await upkeepPass(failing, { all: true, onError: (t) => failed.push(t) });
    expect(failed).toEqual(['public."Broken"']);
    expect(done).toContain('public."SentEmail"');
  });
});
