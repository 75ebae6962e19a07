/**
 * Tests that need a real server (Temporal, Dovecot, PostgreSQL) run only where
 * it is present; elsewhere they are skipped with a loud warning — except when
 * MAILROOM_REQUIRE_SERVERS=1 (CI), where a missing server fails the run.
 *
 *   describeIfServer('Dovecot', dovecotAvailable())('reception', () => { ... });
 */
export function serversRequired(): boolean {
  return process.env.MAILROOM_REQUIRE_SERVERS === '1';
}

export function describeIfServer(name: string, available: boolean): jest.Describe {
  if (available) return describe;
  if (serversRequired()) {
    // Keep the suite's title but replace its body with one failing test, so the
    // run fails and the report says which server is missing.
    const failing = (title: string) =>
      describe(title, () => {
        it(`needs ${name}`, () => {
          throw new Error(`${name} is required (MAILROOM_REQUIRE_SERVERS=1) but is not available on this machine`);
        });
      });
    return Object.assign(failing, { only: failing, skip: describe.skip }) as unknown as jest.Describe;
  }
  console.warn(
    `!!! SKIPPING tests that need ${name}: it is not available on this machine (set MAILROOM_REQUIRE_SERVERS=1 to make this an error)`,
  );
  return describe.skip;
}
