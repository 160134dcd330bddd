import { buildApp, REDACTED_PATHS } from '../http/app.ts';
import { loadConfig } from '../config.ts';
import { TenantService, tenantIdToWire } from '../domain/tenant-service.ts';
import { openStore } from '../store/open.ts';

/** `clientele serve`: the HTTP server on the configured store, until SIGTERM or SIGINT. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const store = await openStore(config);
  const provisioned = await new TenantService(store).create('default', {}, { onlyIfNone: true });
  if (provisioned) {
    process.stdout.write(
      [
        '',
        `Created tenant "default" (${tenantIdToWire(provisioned.tenant.id)}). Its secret keys, shown this once:`,
        `  test: ${provisioned.secrets.test}`,
        `  live: ${provisioned.secrets.live}`,
        'Only their hashes are stored. Roll a lost key with: npx clientele keys roll --tenant <id> --mode test',
        '',
      ].join('\n') + '\n',
    );
  }

  const app = await buildApp({
    store,
    logger: { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
  });
  await app.listen({ port: config.port, host: config.host });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      await app.close();
      await store.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
