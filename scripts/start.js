/**
 * `npm start` / `npm run api` / `npm run worker`: runs Mailroom as compiled
 * JavaScript with a pre-built workflow bundle, so the long-running process
 * carries neither the TypeScript loader (tsx + esbuild) nor webpack's bundling
 * at start (together about half of its memory at rest). Both are built here,
 * in child processes that exit before Mailroom starts, whenever a source is
 * newer than the last build (first start, `git pull`, an edit). Where the
 * TypeScript compiler is not installed (`npm ci --omit=dev`), it runs the
 * sources through tsx as before.
 *
 *   node scripts/start.js [all|api|worker]    node scripts/start.js --build   (build only)
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const bundle = path.join(dist, 'workflow-bundle.js');

function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const f of fs.readdirSync(p)) visit(path.join(p, f));
    else if (/\.(ts|json|prisma)$/.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'scripts/build-workflow-bundle.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    if (fs.existsSync(path.join(root, p))) visit(path.join(root, p));
  }
  return newest;
}

function run(args, what) {
  const res = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status})`);
}

/** Returns false when no compiler is installed; throws when a build fails. */
function buildIfStale() {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    return false;
  }
  const built = fs.existsSync(stamp) && fs.existsSync(bundle) ? fs.statSync(stamp).mtimeMs : 0;
  if (built >= newestSource()) return true;
  process.stderr.write('Mailroom: compiling to dist/ (once after each change of the sources)…\n');
  // Type checking is the typecheck script's job (CI); emitting alone takes seconds.
  run([tsc, '-p', 'tsconfig.build.json', '--noCheck'], 'compiling the sources');
  run([path.join(dist, 'scripts/build-workflow-bundle.js'), bundle], 'bundling the workflows');
  fs.writeFileSync(stamp, new Date().toISOString() + '\n');
  return true;
}

const compiled = buildIfStale();
if (process.argv[2] === '--build') process.exit(0);
// The embedded default (everything in one process, PGlite) is meant for a small server: trade
// a little speed for memory (see the README's "Memory at rest"). Flags set here, before any
// module is loaded, apply to every heap the process creates (the workflow thread's too).
const embedded = (process.argv[2] ?? 'all') === 'all' && !process.env.DATABASE_URL;
if (embedded) {
  // The old generation grows by a fifth of what a collection left alive, not by V8's 1.1-4x (which
  // let garbage pile up to 300 MB of heap during a 10,000-booking import). `--optimize-for-size` did
  // the same and also slowed V8's optimising compiler: the import's creations 946 -> 656 a second,
  // its last confirmation 48.7 -> 53.5 s, for no memory at rest (README, "Memory at rest"). The young
  // generation's cap (2 MB semi-spaces instead of 16) is package.json's `--max-semi-space-size`: it
  // must be given before the heap exists.
  require('node:v8').setFlagsFromString('--heap-growing-percent=20');
}
if (compiled) {
  // Source maps for stack traces in the TypeScript sources; Node keeps every loaded module's
  // map in memory (~12 MB), so the embedded default leaves them to NODE_OPTIONS=--enable-source-maps.
  if (!embedded) process.setSourceMapsEnabled(true);
  process.env.MAILROOM_WORKFLOW_BUNDLE ??= bundle;
  require(path.join(dist, 'src/main.js'));
} else {
  require('tsx/cjs');
  require(path.join(root, 'src/main.ts'));
}
