import { Command } from 'commander';
import { ConfigError } from '../config';
import { createCliContext } from './context';
import { registerBatchCommands } from './commands/batch';
import { registerMailCommands } from './commands/mail';
import { registerOrgCommands } from './commands/org';

/**
 * `npm run mailroom -- <command>`: operators' tools. Uses the same
 * configuration as the service (DATABASE_URL / embedded data dir, TEMPORAL_ADDRESS).
 * The embedded database can be opened by one process at a time: stop
 * `npm start` first, or use DATABASE_URL.
 */
async function main(argv: string[]): Promise<void> {
  const ctx = createCliContext();
  const program = new Command('mailroom').description('Mailroom operator commands').showHelpAfterError();
  registerOrgCommands(program, ctx);
  registerMailCommands(program, ctx);
  registerBatchCommands(program, ctx);
  try {
    await program.parseAsync(argv);
  } finally {
    await ctx.close();
  }
}

main(process.argv).catch((err) => {
  process.stderr.write(`error: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
  process.exit(1);
});
