// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['assert', 'buffer', 'child_process', 'crypto', 'dns', 'events', 'fs', 'http', 'https', 'net', 'os', 'path', 'process', 'stream', 'tls', 'url', 'util', 'worker_threads', 'zlib', 'timers'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'web/node_modules/**', 'web/dist/**', 'web/src/api/schema.d.ts', 'data/**', 'coverage/**', 'src/generated/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Workflows must stay deterministic: no I/O libraries, no Node built-ins (Temporal replays them).
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Workflows cannot use Node built-ins: do it in an activity.' })),
            ...['nodemailer', 'imapflow', 'mailparser', 'pg', '@electric-sql/pglite', '@prisma/client'].map((name) => ({ name, message: 'Workflows only orchestrate: side effects belong in activities.' })),
          ],
          patterns: [
            { group: ['**/generated/prisma/**', '**/db/**', '**/mail/transports', '**/storage'], message: 'Workflows only orchestrate: side effects belong in activities.' },
            { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Import activities as types only (proxyActivities<typeof ...>).' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use sleep() in a loop.' }],
      // Date and Date.now are replaced inside workflows by the SDK's deterministic clock; Math.random is seeded too,
      // but ids should come from uuid4() so replays and readers agree.
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow.' }],
    },
  },
  {
    // The console (web/): its own tsconfig (found by the project service), React's rules of hooks
    // and the React Compiler's checks (no state set during render or in an effect, pure renders).
    files: ['web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    rules: { ...reactHooks.configs.flat['recommended-latest'].rules, 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
