/**
 * Builds the staff console (`web/dist`) when it is missing or its sources changed since the
 * last build, installing web/'s packages first when its lock file changed. Run by the root
 * `npm install` (postinstall) and before `npm start` / `npm run api`, so a new user types
 * nothing more than the README's two commands. A content hash, not file times, decides:
 * checkouts and copies reset times.
 *   --force   build even when up to date
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const WEB = path.resolve(__dirname, '../web');
const DIST = path.join(WEB, 'dist');
const BUILD_STAMP = path.join(DIST, '.source-hash');
const INSTALL_STAMP = path.join(WEB, 'node_modules', '.mailroom-lock-hash');
const SOURCES = ['src', 'public', 'index.html', 'package.json', 'package-lock.json', 'vite.config.ts', 'postcss.config.cjs', 'tsconfig.json'];

function hashTree(paths: string[]): string {
  const hash = crypto.createHash('sha256');
  const visit = (p: string) => {
    if (!fs.existsSync(p)) return;
    if (fs.statSync(p).isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
      return;
    }
    hash.update(path.relative(WEB, p)).update('\0').update(fs.readFileSync(p)).update('\0');
  };
  paths.forEach((p) => visit(path.join(WEB, p)));
  return hash.digest('hex');
}

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '');

/** npm settings of the outer install (e.g. --omit=dev) must not reach web/'s own install: Vite is a dev dependency. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['npm_config_omit', 'npm_config_include', 'npm_config_production', 'npm_config_only', 'npm_config_global', 'npm_config_prefix', 'npm_config_ignore_scripts', 'npm_config_workspace', 'npm_config_workspaces', 'NODE_ENV']) delete env[key];
  return env;
}

function run(args: string[], quiet: boolean): void {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, args, { cwd: WEB, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', env: cleanEnv() });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} in web/ failed (exit ${result.status ?? result.signal})\n${quiet ? `${result.stdout}\n${result.stderr}` : ''}`);
}

export function buildConsole(opts: { force?: boolean; quiet?: boolean } = {}): 'up to date' | 'built' {
  const log = (m: string) => (opts.quiet ? undefined : console.log(m));
  const sourceHash = hashTree(SOURCES);
  if (!opts.force && read(BUILD_STAMP) === sourceHash && fs.existsSync(path.join(DIST, 'index.html'))) return 'up to date';

  const lockHash = hashTree(['package-lock.json']);
  if (read(INSTALL_STAMP) !== lockHash) {
    log('console: installing web/ packages');
    run(['install', '--no-audit', '--no-fund', '--include=dev'], Boolean(opts.quiet));
    fs.writeFileSync(INSTALL_STAMP, lockHash);
  }
  log('console: building web/dist');
  run(['run', 'build'], Boolean(opts.quiet));
  fs.writeFileSync(BUILD_STAMP, sourceHash);
  return 'built';
}

if (require.main === module) {
  try {
    buildConsole({ force: process.argv.includes('--force') });
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
