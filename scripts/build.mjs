// `npm run build` (also run by `npm install` and `npm test`): compiles src/ to dist/ and copies the
// SQL migrations beside the stores that read them. bin/clientele.js runs dist/ only while it is
// at least as new as every file under src/, and the TypeScript sources through tsx otherwise.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');

let tsc;
try {
  tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies: the server runs from the sources through tsx.
  process.stderr.write('build: TypeScript is not installed; bin/clientele.js will run the sources through tsx\n');
  process.exit(0);
}

rmSync(DIST, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(DIST, { recursive: true, force: true });
  process.stderr.write('build: tsc failed; dist/ removed\n');
  process.exit(result.status ?? 1);
}

/** Folders of files that are not TypeScript: SQL migrations, the console's templates and assets. */
const COPIED = new Set(['migrations', 'views', 'assets']);

function copyMigrations(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (COPIED.has(entry.name)) cpSync(path, join(DIST, path.slice(join(ROOT, 'src').length)), { recursive: true });
    else copyMigrations(path);
  }
}
copyMigrations(join(ROOT, 'src'));
// Written last: its time is what bin/clientele.js compares with the sources'.
writeFileSync(join(DIST, 'BUILT'), `${new Date().toISOString()}\n`);
