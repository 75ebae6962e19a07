import fs from 'node:fs';
import path from 'node:path';
import { createDatabase, type Database } from '../../src/db/client';
import { createTestDatabase } from '../helpers/db';

// The folding that search runs on both sides (stored searchText and the words typed) was made
// faster by migration 20261209090000; every stored searchText and every search must fold as before.
const migrations = path.join(__dirname, '../../prisma/migrations');
const before = fs
  .readFileSync(path.join(migrations, '20261207150000_scale_lists/migration.sql'), 'utf8')
  .match(/CREATE FUNCTION mailroom_fold\(t TEXT\)[\s\S]*?\$f\$;/)![0]
  .replace('CREATE FUNCTION mailroom_fold(', 'CREATE FUNCTION mailroom_fold_before(');

describe.each([
  ['the test database', () => createTestDatabase()],
  ['embedded PGlite', async () => {
    const db = await createDatabase({});
    await db.migrate();
    return Object.assign(db, { drop: () => db.close() }) as Database & { drop(): Promise<void> };
  }],
] as [string, () => Promise<Database & { drop(): Promise<void> }>][])('search folding on %s', (_name, open) => {
  let db: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    db = await open();
    await db.sql.exec(before);
  });
  afterAll(async () => db?.drop());

  it('folds accents and case as before, for every character up to U+2EE0 and in mixed text', async () => {
    const [row] = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM generate_series(1, 12000) c
        WHERE mailroom_fold('Ab' || chr(c) || 'Zé—' || chr(c)) IS DISTINCT FROM mailroom_fold_before('Ab' || chr(c) || 'Zé—' || chr(c))`,
    );
    expect(row!.n).toBe(0);
    const samples = ['Facture F-2024-09 — Résidence Les Tilleuls', 'ŁÓDŹ Ḡẞǅ ǈ Ǆ Ǳ ß Œuvre ÆØ', 'plain ascii', 'İstanbul Ĳssel ẛ ſ', ''];
    for (const s of samples) {
      const [row] = await db.sql.query<{ after: string; before: string }>('SELECT mailroom_fold($1) AS after, mailroom_fold_before($1) AS before', [s]);
      expect(row!.after).toBe(row!.before);
    }
    const [folded] = await db.sql.query<{ f: string }>('SELECT mailroom_fold($1) AS f', ['Facture — Période Écoulée']);
    expect(folded!.f).toBe('facture — periode ecoulee');
  });
});
