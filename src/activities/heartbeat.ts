import { Context } from '@temporalio/activity';

/** The activity's heartbeat, when called from one (tests and tools call delivery outside activities too). */
export function heartbeat(): void {
  try {
    Context.current().heartbeat({ waitingFor: 'an earlier attempt of this worker' });
  } catch {
    // not in an activity
  }
}
/** A third of the activity's heartbeat timeout (30 s outside activities), at least a second. */
export function heartbeatEveryMs(): number {
  let timeoutMs = 30_000;
  try {
    timeoutMs = Context.current().info.heartbeatTimeoutMs ?? timeoutMs;
  } catch {
    // not in an activity
  }
  return Math.max(1000, timeoutMs / 3);
}
