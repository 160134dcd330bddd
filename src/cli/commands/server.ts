/** `clientele serve` and `clientele migrate`. */
import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/open.ts';
import { serve } from '../serve.ts';
import type { CliCommand } from './command.ts';

export const serveCommand: CliCommand = {
  name: 'serve',
  usage: `  serve                                   Start the HTTP server (PORT, HOST, CLIENTELE_DATA_DIR, DATABASE_URL, LOG_LEVEL,
                                          REDIS_URL, CLIENTELE_RATE_LIMITS=off)
`,
  options: {},
  run: async () => {
    await serve();
    return -1; // keep running
  },
};

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: `  migrate                                 Apply pending store migrations
`,
  options: {},
  run: async () => {
    const store = await openStore(loadConfig());
    await store.migrate();
    await store.close();
    process.stdout.write('Migrations applied.\n');
    return 0;
  },
};
