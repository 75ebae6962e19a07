import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const schemaFile = path.join(root, 'web/src/api/schema.d.ts');

// openapi-typescript needs ESM that Jest's CommonJS runtime cannot load: run the script itself.
const check = () => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/web-types.ts', '--check'], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('console API types', () => {
  it('web/src/api/schema.d.ts matches the OpenAPI document the API builds now', () => {
    const result = check();
    if (result.status !== 0) {
      throw new Error(`The console's API types are out of date: run \`npm run web:types\` and commit web/src/api/schema.d.ts.\n${result.stderr}`);
    }
    expect(fs.readFileSync(schemaFile, 'utf8')).toContain('"/api/v1/received-mails"');
  });

  it('notices a checked-in file that drifted', () => {
    const saved = fs.readFileSync(schemaFile, 'utf8');
    try {
      fs.writeFileSync(schemaFile, saved.replace('"/api/v1/received-mails"', '"/api/v1/received-mail"'));
      const result = check();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('npm run web:types');
    } finally {
      fs.writeFileSync(schemaFile, saved);
    }
  });
});
