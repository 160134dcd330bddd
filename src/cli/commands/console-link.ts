/** `clientele console link`: a one-time host-admin sign-in link for the console. */
import { loadConfig } from '../../config.ts';
import { ConsoleService } from '../../domain/console/console-service.ts';
import { CredentialService } from '../../domain/tenants/credential-service.ts';
import { ADMIN_LINK_PATH } from '../../http/console-paths.ts';
import { booleanOption, JSON_OUTPUT, printJson, stringOption, UsageError, withStore, type CliCommand } from './command.ts';

export const consoleLinkCommand: CliCommand = {
  name: 'console link',
  usage: `  console link [--url BASE] [--json]   A one-time host-admin sign-in link to the console (15 minutes).
                                          BASE: the server's address as browsers reach it
                                          (default http://HOST:PORT).
`,
  options: { url: { type: 'string' }, ...JSON_OUTPUT },
  run: async (values) => {
    const config = loadConfig();
    const base = stringOption(values, 'url') ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    let origin: URL;
    try {
      origin = new URL(base);
    } catch {
      throw new UsageError(`--url is an absolute URL, got '${base}'`);
    }
    const made = await withStore((store, _tenants, box) => new ConsoleService(store, new CredentialService(store, box)).createAdminLink());
    const link = new URL(ADMIN_LINK_PATH, origin);
    link.searchParams.set('token', made.token);
    const expiresAt = new Date(made.expiresAt * 1000).toISOString();
    if (booleanOption(values, 'json')) printJson({ url: link.href, expiresAt });
    else process.stdout.write(`${link.href}\n(one use, until ${expiresAt})\n`);
    return 0;
  },
};
