/**
 * Tests that need a real server (Temporal, Dovecot, PostgreSQL) run only where
 * it is present; elsewhere they are skipped with a loud warning — except when
 * MAILROOM_REQUIRE_SERVERS=1 (CI), where a missing server fails the run.
 */
export function describeIfServer(name: string, available: boolean): jest.Describe {
  if (available) return describe;
  if (process.env.MAILROOM_REQUIRE_SERVERS === '1') {
    return ((title: string) =>
      describe(title, () => {
        it(`needs ${name}`, () => {
          throw new Error(`${name} is required (MAILROOM_REQUIRE_SERVERS=1) but is not available`);
        });
      })) as unknown as jest.Describe;
  }
  process.stderr.write(`\n!!! SKIPPING tests that need ${name}: it is not available on this machine\n\n`);
  return describe.skip;
}
