import fs from 'node:fs';
import path from 'node:path';
import type { SqlRunner } from './sql';

/**
 * Compares the live database with prisma/schema.prisma: every model, field,
 * type, nullability, default presence, unique, index and foreign key. Returns
 * the differences in words; an empty list means the hand-written migrations
 * produce exactly what Prisma would. Uses Prisma's own schema parser (wasm),
 * which needs no schema engine.
 */
// From src/db (tsx, Jest) or dist/src/db (compiled, `npm start`).
export const SCHEMA_FILE = [path.resolve(__dirname, '../../prisma/schema.prisma'), path.resolve(__dirname, '../../../prisma/schema.prisma')].find((p) => fs.existsSync(p)) ?? path.resolve(__dirname, '../../prisma/schema.prisma');

interface DmmfField {
  name: string;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  type: string;
  dbName?: string | null;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'normal' | 'unique' | 'fulltext';
  dbName?: string | null;
  /** Access method when not B-tree (`@@index(..., type: Gin)`). */
  algorithm?: string;
  fields: { name: string; operatorClass?: string; sortOrder?: 'asc' | 'desc' }[];
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
  Decimal: 'numeric(65,30)',
};

const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Text: () => 'text',
  Uuid: () => 'uuid',
  Date: () => 'date',
  Timestamptz: (a) => `timestamp(${a[0] ?? 3}) with time zone`,
  Timestamp: (a) => `timestamp(${a[0] ?? 3}) without time zone`,
  Decimal: (a) => `numeric(${a.join(',')})`,
  VarChar: (a) => (a.length ? `character varying(${a[0]})` : 'character varying'),
  SmallInt: () => 'smallint',
  Real: () => 'real',
  JsonB: () => 'jsonb',
  Json: () => 'json',
};

const ON_DELETE: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

export function readDmmf(schemaFile = SCHEMA_FILE): { models: DmmfModel[]; indexes: DmmfIndex[]; enums: { name: string; values: { name: string }[] }[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const schema = fs.readFileSync(schemaFile, 'utf8');
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [[path.basename(schemaFile), schema]] })));
  return dmmf.datamodel;
}

function expectedType(field: DmmfField, enumNames: Set<string>): string {
  if (field.kind === 'enum' || enumNames.has(field.type)) return field.type;
  if (field.nativeType) {
    const make = NATIVE_TYPES[field.nativeType[0]];
    if (make) return make(field.nativeType[1]);
  }
  return SCALAR_TYPES[field.type] ?? `unknown:${field.type}`;
}

export async function compareDatabaseWithSchema(sql: SqlRunner, schemaFile = SCHEMA_FILE): Promise<string[]> {
  const dm = readDmmf(schemaFile);
  const problems: string[] = [];
  const enumNames = new Set(dm.enums.map((e) => e.name));

  const columns = await sql.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string; column_default: string | null; formatted: string; elem: string | null }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable, c.column_default,
            format_type(a.atttypid, a.atttypmod) AS formatted,
            CASE WHEN t.typcategory = 'A' THEN format_type(t.typelem, a.atttypmod) END AS elem
       FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass AND a.attname = c.column_name
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE c.table_schema = current_schema()`,
  );
  const tables = new Map<string, Map<string, (typeof columns)[number]>>();
  for (const col of columns) {
    if (!tables.has(col.table_name)) tables.set(col.table_name, new Map());
    tables.get(col.table_name)!.set(col.column_name, col);
  }

  // Enums
  const dbEnums = await sql.query<{ name: string; value: string }>(
    `SELECT t.typname AS name, e.enumlabel AS value FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder`,
  );
  for (const en of dm.enums) {
    const values = dbEnums.filter((r) => r.name === en.name).map((r) => r.value);
    const want = en.values.map((v) => v.name);
    if (values.join(',') !== want.join(',')) problems.push(`enum ${en.name}: database has [${values.join(', ')}], schema has [${want.join(', ')}]`);
  }

  const modelTable = new Map(dm.models.map((m) => [m.name, m.dbName ?? m.name]));
  const knownTables = new Set([...modelTable.values(), '_prisma_migrations']);
  for (const t of tables.keys()) if (!knownTables.has(t)) problems.push(`table ${t} exists in the database but not in schema.prisma`);

  for (const model of dm.models) {
    const table = modelTable.get(model.name)!;
    const cols = tables.get(table);
    if (!cols) {
      problems.push(`model ${model.name}: table ${table} is missing`);
      continue;
    }
    const scalarFields = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
    const columnNames = new Set(scalarFields.map((f) => f.dbName ?? f.name));
    for (const c of cols.keys()) if (!columnNames.has(c)) problems.push(`${table}.${c} exists in the database but not in schema.prisma`);
    for (const f of scalarFields) {
      const name = f.dbName ?? f.name;
      const col = cols.get(name);
      if (!col) {
        problems.push(`${model.name}.${f.name}: column ${table}.${name} is missing`);
        continue;
      }
      const want = expectedType(f, enumNames);
      const got = f.isList ? col.elem : col.formatted;
      const gotNormalised = got?.replace(/^"|"$/g, '');
      if (f.isList && col.data_type !== 'ARRAY') problems.push(`${model.name}.${f.name}: expected an array column, found ${col.formatted}`);
      if (gotNormalised !== want) problems.push(`${model.name}.${f.name}: type ${gotNormalised} in the database, ${want} expected`);
      // Prisma leaves list columns nullable; every other required field is NOT NULL.
      const wantNullable = f.isList || !f.isRequired;
      if ((col.is_nullable === 'YES') !== wantNullable) problems.push(`${model.name}.${f.name}: nullable=${col.is_nullable} in the database, ${wantNullable ? 'YES' : 'NO'} expected`);
      // A database default must exist exactly when the schema declares one Prisma renders in SQL
      // (client-side defaults such as uuid() and cuid() have none in the database).
      const def = (f as DmmfField & { default?: { name?: string } | unknown }).default as { name?: string } | string | number | boolean | undefined;
      const clientSide = typeof def === 'object' && def !== null && ['uuid', 'cuid', 'nanoid', 'ulid'].includes(def.name ?? '');
      const wantDefault = f.hasDefaultValue && !clientSide && !f.isUpdatedAt;
      if (wantDefault !== (col.column_default !== null)) problems.push(`${model.name}.${f.name}: database default ${col.column_default ?? 'none'}, schema ${wantDefault ? 'declares one' : 'declares none'}`);
    }
  }

  // Indexes: compare (table, unique?, access method, columns with their operator class and
  // direction) sets, ignoring names. A B-tree column's default operator class is not spelled out;
  // other methods (GIN trigram indexes) always name theirs, as schema.prisma must.
  const dbIndexes = await sql.query<{ table: string; name: string; unique: boolean; primary: boolean; method: string; columns: string[] }>(
    `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary, am.amname AS method,
            array_agg(a.attname
                      || CASE WHEN am.amname <> 'btree' OR NOT oc.opcdefault THEN ' ' || oc.opcname ELSE '' END
                      || CASE WHEN am.amname = 'btree' AND (ix.indoption[k.ord - 1] & 1) = 1 THEN ' desc' ELSE '' END
                      ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_am am ON am.oid = i.relam
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(ix.indkey, ix.indclass) WITH ORDINALITY AS k(attnum, opclass, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       JOIN pg_opclass oc ON oc.oid = k.opclass
      WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'
      GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary, am.amname`,
  );
  const key = (table: string, kind: string, cols: string[], method = 'btree') => `${table} ${kind}${method === 'btree' ? '' : ` using ${method}`} (${cols.join(', ')})`;
  const fieldColumn = (model: DmmfModel, field: string) => {
    const f = model.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };
  const wanted = new Set<string>();
  for (const idx of dm.indexes) {
    const model = dm.models.find((m) => m.name === idx.model)!;
    const kind = idx.type === 'id' ? 'primary' : idx.type === 'unique' ? 'unique' : 'index';
    const cols = idx.fields.map((f) => [fieldColumn(model, f.name), f.operatorClass?.toLowerCase(), f.sortOrder === 'desc' ? 'desc' : undefined].filter(Boolean).join(' '));
    wanted.add(key(modelTable.get(idx.model)!, kind, cols, idx.algorithm?.toLowerCase()));
  }
  const present = new Set(
    dbIndexes.map((r) => key(r.table, r.primary ? 'primary' : r.unique ? 'unique' : 'index', normaliseArray(r.columns), r.method)),
  );
  for (const w of wanted) if (!present.has(w)) problems.push(`index missing in the database: ${w}`);
  for (const p of present) if (!wanted.has(p)) problems.push(`index in the database but not in schema.prisma: ${p}`);

  // Foreign keys with their ON DELETE action.
  const fks = await sql.query<{ table: string; columns: string[]; ref: string; on_delete: string }>(
    `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS ref, c.confdeltype AS on_delete,
            array_agg(a.attname ORDER BY k.ord) AS columns
       FROM pg_constraint c
       JOIN pg_namespace n ON n.oid = c.connamespace
       CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
      WHERE c.contype = 'f' AND n.nspname = current_schema()
      GROUP BY c.conrelid, c.confrelid, c.confdeltype, c.conname`,
  );
  const unquote = (s: string) => s.replace(/^.*\./, '').replace(/"/g, '');
  const fkKey = (table: string, cols: string[], ref: string, onDelete: string) => `${table}(${cols.join(', ')}) -> ${ref} on delete ${onDelete}`;
  const presentFks = new Set(fks.map((f) => fkKey(unquote(f.table), normaliseArray(f.columns), unquote(f.ref), ON_DELETE[f.on_delete] ?? f.on_delete)));
  const wantedFks = new Set<string>();
  for (const model of dm.models) {
    for (const f of model.fields) {
      if (f.kind !== 'object' || !f.relationFromFields?.length) continue;
      const onDelete = f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull');
      wantedFks.add(fkKey(modelTable.get(model.name)!, f.relationFromFields.map((n) => fieldColumn(model, n)), modelTable.get(f.type)!, onDelete));
    }
  }
  for (const w of wantedFks) if (!presentFks.has(w)) problems.push(`foreign key missing in the database: ${w}`);
  for (const p of presentFks) if (!wantedFks.has(p)) problems.push(`foreign key in the database but not in schema.prisma: ${p}`);

  return problems;
}

// node-postgres returns name[] as a JS array, PGlite may return the literal `{a,b}`.
function normaliseArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value.replace(/^\{|\}$/g, '').split(',').map((s) => s.replace(/^"|"$/g, ''));
}
