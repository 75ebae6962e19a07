/**
 * `npm run bench -- <name> [--count N]`: runs bench/<name>.ts, whose default
 * export measures one path of Mailroom against a plain baseline side by side
 * and prints both figures and their ratio. No timed assertions: numbers only.
 */
import fs from 'node:fs';
import path from 'node:path';

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const available = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && !['index.ts'].includes(f) && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''));
  if (!name || !available.includes(name)) {
    process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [--count N] (bounces: --dir <folder> [--json])\n`);
    process.exit(name ? 1 : 0);
  }
  const args: Record<string, string | number | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    if (!flag.startsWith('--')) continue;
    const next = rest[i + 1];
    const value = next && !next.startsWith('--') ? (i++, next) : true;
    args[flag.slice(2)] = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  }
  process.env.LOG_LEVEL ??= 'silent';
  const mod = (await import(path.join(__dirname, `${name}.ts`))) as { default: (a: typeof args) => Promise<void> };
  await mod.default({ count: 1000, ...args });
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
