import { searchable } from '../../src/reception/classify';
import { BOTH_DATABASES, type TestDatabase } from '../helpers/db';

// Search folds on both sides: the database folds what it stores (mailroom_fold in the triggers) and
// the application folds what staff type (searchable). Where the two disagree a word is never found.
describe.each(BOTH_DATABASES)('search folding on %s', (_name, open) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db?.drop());

  it('folds accents and case as the application does, for every letter of the Latin, Greek and Cyrillic blocks', async () => {
    const rows = await db.sql.query<{ c: number; f: string }>(
      `SELECT c, mailroom_fold('Ab' || chr(c) || 'Zé') AS f FROM generate_series(160, 1279) c UNION ALL
       SELECT c, mailroom_fold('Ab' || chr(c) || 'Zé') FROM generate_series(7680, 7935) c`,
    );
    // Every accented letter (one that decomposes into a base and marks); case mappings of other
    // letters follow each side's Unicode tables and are not what accent folding is about.
    const accented = (c: number) => /\p{M}/u.test(String.fromCodePoint(c).normalize('NFD'));
    const differ = rows.filter(({ c, f }) => accented(c) && f !== searchable(`Ab${String.fromCodePoint(c)}Zé`));
    expect(differ.map(({ c }) => String.fromCodePoint(c))).toEqual([]);
    for (const s of ['Facture F-2024-09 — Résidence Les Tilleuls', 'ŁÓDŹ Œuvre ÆØ', 'Ελλάδα Ἀθῆναι', 'Ёлка Йошкар-Ола', 'plain ascii', '']) {
      const [row] = await db.sql.query<{ f: string }>('SELECT mailroom_fold($1) AS f', [s]);
      expect({ s, f: row!.f }).toEqual({ s, f: searchable(s) });
    }
  });
});
