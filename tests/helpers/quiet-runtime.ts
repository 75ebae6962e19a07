import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Tests that make their own workers (time-skipping server, replays) would get the SDK's default
 * runtime, which logs at INFO to the console, its native core too. Installed before the first
 * Temporal call of the test file; one already made keeps its logger.
 */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR', () => undefined), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  } catch {
    // Already made by an earlier Temporal call in this process.
  }
}
