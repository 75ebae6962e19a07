import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__MAILROOM_TEMPORAL__?.stop();
  if (process.env.MAILROOM_TEST_TMP) fs.rmSync(process.env.MAILROOM_TEST_TMP, { recursive: true, force: true });
}
