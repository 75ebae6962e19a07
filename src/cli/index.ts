import { Command } from 'commander';
import { ConfigError } from '../config';
import { CliError } from './client';
import { createCliContext, type GlobalFlags } from './context';
import { registerBatchCommands } from './commands/batch';
import { registerDbCommands } from './commands/db';
import { registerMailCommands } from './commands/mail';
import { registerOrgCommands } from './commands/org';

/**
 * `npm run mailroom -- <command>`: operators' tools, a client of the running
 * service's HTTP API (embedded: found through the data directory; scaled:
 * MAILROOM_URL + a key). Only `db:migrate` opens the database.
 */
async function main(argv: string[]): Promise<void> {
  const program = new Command('mailroom')
    .description('Mailroom operator commands (a client of the running service)')
    .option('--url <url>', 'the Mailroom API (default: MAILROOM_URL, else the embedded service of the data directory)')
    .option('--key <key>', "an organisation's API key (default: MAILROOM_API_KEY, else the embedded first admin key)")
    .option('--operator-token <token>', "the platform operator's token (default: MAILROOM_OPERATOR_TOKEN, else the embedded one)")
    .showHelpAfterError();
  const ctx = createCliContext(() => program.opts<GlobalFlags>());
  registerOrgCommands(program, ctx);
  registerMailCommands(program, ctx);
  registerBatchCommands(program, ctx);
  registerDbCommands(program, ctx);
  await program.parseAsync(argv);
}

main(process.argv).catch((err) => {
  const known = err instanceof ConfigError || err instanceof CliError;
  process.stderr.write(`error: ${known ? err.message : ((err as Error)?.message ?? String(err))}\n`);
  process.exit(1);
});
