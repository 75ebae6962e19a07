import { defineConfig } from 'prisma/config';

// The URL is only needed by `prisma migrate`/`studio`; the app builds its own
// connection in src/db/client.ts (PostgreSQL adapter or embedded PGlite).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test' },
});
