/** `clientele partners create|list|roll-secret|remove`: Count's partner applications (host admin). */
import { PartnerError, PartnerService } from '../../domain/partners/partner-service.ts';
import { booleanOption, expireInSeconds, JSON_OUTPUT, printJson, stringListOption, stringOption, UsageError, withStore, type CliCommand } from './command.ts';

export const partnersCreateCommand: CliCommand = {
  name: 'partners create',
  usage: `  partners create --name NAME --redirect-uri URI [--redirect-uri URI …] [--json]
                                          Register a Count partner application: its client id and
                                          secret (shown once) sign its requests; redirect URIs
                                          without query strings, matched exactly.
`,
  options: { name: { type: 'string' }, 'redirect-uri': { type: 'string', multiple: true }, ...JSON_OUTPUT },
  run: async (values) => {
    const name = stringOption(values, 'name');
    const redirectUris = stringListOption(values, 'redirect-uri') ?? [];
    if (!name) throw new UsageError('partners create needs --name');
    if (redirectUris.length === 0) throw new UsageError('partners create needs at least one --redirect-uri');
    let made;
    try {
      made = await withStore((store, _tenants, box) => new PartnerService(store, box).createApp(name, redirectUris));
    } catch (err) {
      if (err instanceof PartnerError) throw new UsageError(err.message);
      throw err;
    }
    const shown = { clientId: made.app.id, clientSecret: made.secret, name: made.app.name, redirectUris: made.app.redirect_uris };
    if (booleanOption(values, 'json')) printJson(shown);
    else process.stdout.write(`Partner application ${shown.name}\n  client id:     ${shown.clientId}\n  client secret: ${shown.clientSecret}  (shown once)\n  redirect URIs: ${shown.redirectUris.join(' ')}\n`);
    return 0;
  },
};

export const partnersListCommand: CliCommand = {
  name: 'partners list',
  usage: `  partners list [--json]
`,
  options: { ...JSON_OUTPUT },
  run: async (values) => {
    const apps = await withStore((store, _tenants, box) => new PartnerService(store, box).listApps());
    const shown = apps.map((app) => ({ clientId: app.id, name: app.name, redirectUris: app.redirect_uris, created: app.created }));
    if (booleanOption(values, 'json')) printJson(shown);
    else for (const app of shown) process.stdout.write(`${app.clientId}  ${app.name}  ${app.redirectUris.join(' ')}\n`);
    return 0;
  },
};

function clientIdOption(command: string, values: Parameters<CliCommand['run']>[0]): string {
  const id = stringOption(values, 'client-id');
  if (!id) throw new UsageError(`${command} needs --client-id pcl_…`);
  return id;
}

export const partnersRollSecretCommand: CliCommand = {
  name: 'partners roll-secret',
  usage: `  partners roll-secret --client-id pcl_… [--expire-in SECONDS] [--json]
                                          A new client secret (shown once); the old one keeps
                                          signing for SECONDS (default 0: stops at once).
`,
  options: { 'client-id': { type: 'string' }, 'expire-in': { type: 'string' }, ...JSON_OUTPUT },
  run: async (values) => {
    const id = clientIdOption('partners roll-secret', values);
    const grace = expireInSeconds(values);
    let secret: string;
    try {
      secret = await withStore((store, _tenants, box) => new PartnerService(store, box).rollSecret(id, grace));
    } catch (err) {
      if (err instanceof PartnerError) throw new UsageError(err.message);
      throw err;
    }
    if (booleanOption(values, 'json')) printJson({ clientId: id, clientSecret: secret, previousExpiresIn: grace });
    else process.stdout.write(`New client secret for ${id}: ${secret}  (shown once)${grace > 0 ? `; the old one signs for ${grace} s more` : '; the old one has stopped'}\n`);
    return 0;
  },
};

export const partnersRemoveCommand: CliCommand = {
  name: 'partners remove',
  usage: `  partners remove --client-id pcl_…      Remove a partner application: every token it was granted
                                          stops working at once.
`,
  options: { 'client-id': { type: 'string' } },
  run: async (values) => {
    const id = clientIdOption('partners remove', values);
    const removed = await withStore((store, _tenants, box) => new PartnerService(store, box).remove(id));
    if (!removed) throw new UsageError(`No partner application ${id}.`);
    process.stdout.write(`Removed ${id} and every grant it held.\n`);
    return 0;
  },
};
