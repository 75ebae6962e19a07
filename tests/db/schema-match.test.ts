import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations, readMigrations } from '../../src/db/migrate';
import { compareDatabaseWithSchema, SCHEMA_FILE } from '../../src/db/schema-check';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('produce exactly the database schema.prisma describes', async () => {
    expect(await compareDatabaseWithSchema(db.sql)).toEqual([]);
  });

  it('are recorded in _prisma_migrations as prisma migrate deploy records them', async () => {
    const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const files = readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    expect(rows.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));
    for (const r of rows) {
      expect(r.finished_at).not.toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }
  });

  it('run again apply nothing and keep data', async () => {
    const org = await db.prisma.organization.create({ data: { name: 'Aéroclub' } });
    const again = await applyMigrations(db.sql);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(readMigrations().length);
    expect(await db.prisma.organization.findUnique({ where: { id: org.id } })).toMatchObject({ name: 'Aéroclub' });
  });

  it('a drift between schema.prisma and the migrations is reported field by field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-drift-'));
    const drifted = fs
      .readFileSync(SCHEMA_FILE, 'utf8')
      .replace('  licenceNumber  String?\n', '  licenceNumber  String\n  nickname       String?\n')
      .replace('  @@index([organizationId, lastName, firstName, id])\n', '')
      // An index's direction is part of it: the invoices' period is stored newest first.
      .replace('@@index([organizationId, period(sort: Desc), number, id])', '@@index([organizationId, period, number, id])')
      // The trigram index must be a GIN index with the trigram operator class, not any index on the column.
      .replace('@@index([organizationId, receivedAt, id])\n  @@index([organizationId, category, receivedAt, id])\n  @@index([organizationId, memberId, receivedAt, id])\n  @@index([searchText(ops: raw("gin_trgm_ops"))], type: Gin)', '@@index([organizationId, receivedAt, id])\n  @@index([organizationId, category, receivedAt, id])\n  @@index([organizationId, memberId, receivedAt, id])\n  @@index([searchText])');
    const file = path.join(dir, 'schema.prisma');
    fs.writeFileSync(file, drifted);
    const problems = await compareDatabaseWithSchema(db.sql, file);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Member.licenceNumber: nullable=YES'),
        expect.stringContaining('Member.nickname: column Member.nickname is missing'),
        expect.stringContaining('index in the database but not in schema.prisma: Member index (organizationId, lastName, firstName, id)'),
        'index missing in the database: ReceivedMail index (searchText)',
        'index missing in the database: Invoice index (organizationId, period, number, id)',
        'index in the database but not in schema.prisma: Invoice index (organizationId, period desc, number, id)',
        'index in the database but not in schema.prisma: ReceivedMail index using gin (searchText gin_trgm_ops)',
      ]),
    );
  });

  it('a failed migration is rolled back and blocks nothing once fixed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    for (const f of readMigrations()) {
      fs.mkdirSync(path.join(dir, f.name));
      fs.writeFileSync(path.join(dir, f.name, 'migration.sql'), f.script);
    }
    const bad = path.join(dir, '29990101000000_bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'migration.sql'), 'CREATE TABLE "Half" ("id" TEXT);\nSELECT no_such_function();');
    await expect(applyMigrations(db.sql, dir)).rejects.toThrow(/29990101000000_bad failed/);
    const half = await db.sql.query(`SELECT to_regclass('"Half"') AS t`);
    expect(half[0]).toEqual({ t: null });
    fs.writeFileSync(path.join(bad, 'migration.sql'), 'SELECT 1;');
    const fixed = await applyMigrations(db.sql, dir);
    expect(fixed.applied).toEqual(['29990101000000_bad']);
    await db.sql.exec(`DELETE FROM "_prisma_migrations" WHERE migration_name = '29990101000000_bad'`);
  });
});
