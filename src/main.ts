import { bootstrapFirstOrganization } from './bootstrap';
import { ConfigError, loadConfig } from './config';
import { updateCredentials } from './operators/credentials-file';
import { startMailroom } from './runtime';

/**
 * `npm start` (everything in one process, embedded database and Temporal),
 * `npm run api` or `npm run worker` (scaled: one role per process).
 */
async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'all';
  if (!['all', 'api', 'worker'].includes(mode)) throw new ConfigError(`unknown mode "${mode}": use all, api or worker`);
  const config = loadConfig();
  const roles = { api: mode !== 'worker', worker: mode !== 'api' };
  const app = await startMailroom(config, { roles });
  const { logger } = app;
  // The CLI finds the embedded service (and its operator token) here.
  if (config.embeddedDatabase && app.apiUrl) updateCredentials(config.dataDir, { apiUrl: app.apiUrl });

  if (mode === 'all') {
    const created = await bootstrapFirstOrganization(app.db.prisma, { dataDir: config.dataDir, name: config.MAILROOM_BOOTSTRAP_ORG, apiUrl: app.apiUrl, config });
    if (created) {
      // Printed once, on purpose to stdout and not through the logger (which redacts keys).
      process.stdout.write(
        `\nMailroom created organisation ${created.organizationId}.\n` +
          `Admin API key (shown once, also saved in ${created.file}):\n\n  ${created.apiKey}\n\n` +
          `Set the first admin's password: ${created.setupUrl}\n  (works once; also saved in ${created.file})\n\n`,
      );
    }
    process.stdout.write(
      `Mailroom is running.\n  API:           ${app.apiUrl}  (docs: ${app.apiUrl}/api/docs)\n` +
        (app.devServer ? `  Temporal UI:   ${app.devServer.uiUrl}\n` : '') +
        `  Data:          ${config.dataDir}\n  Stop with Ctrl-C.\n`,
    );
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err?.stack ?? String(err))}\n`);
  process.exit(1);
});
