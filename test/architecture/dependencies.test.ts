/**
 * The shape of the code, checked: imports point one way (docs/architecture.md), no module imports
 * itself back through a cycle, and no route can reach the store.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const SRC = join(ROOT, 'src');

/** Each folder may import only the folders listed for it (and itself). */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  domain: [],
  store: ['domain'],
  formats: ['domain'],
  http: ['domain', 'formats'],
  surfaces: ['http', 'formats', 'domain'],
  webhooks: ['formats', 'domain'],
  console: ['http', 'formats', 'domain'],
  server: ['console', 'surfaces', 'webhooks', 'http', 'formats', 'domain', 'store'],
  cli: ['server', 'store', 'webhooks', 'formats', 'domain', 'http'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

interface Import {
  target: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gm)) {
    found.push({ target: normalize(join(dirname(file), match[2]!)), typeOnly: match[1] !== undefined });
  }
  for (const match of text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)) found.push({ target: normalize(join(dirname(file), match[1]!)), typeOnly: false });
  return found;
}

const folderOf = (file: string) => relative(SRC, file).split('/')[0]!;
const FILES = sources(SRC);
const GRAPH = new Map(FILES.map((file) => [file, importsOf(file)]));

describe('dependencies', () => {
  it('point one way: every folder imports only the folders below it', () => {
    const upward: string[] = [];
    for (const [file, imports] of GRAPH) {
      const from = folderOf(file);
      const allowed = MAY_IMPORT[from];
      if (!allowed) continue; // src/config.ts and the like: read by the entry points
      for (const { target } of imports) {
        const to = folderOf(target);
        if (to !== from && to in MAY_IMPORT && !allowed.includes(to)) upward.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it('form no cycle of modules (type-only imports aside)', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const { target, typeOnly } of GRAPH.get(file) ?? []) {
        if (typeOnly || !GRAPH.has(target)) continue;
        if (state.get(target) === 'open') cycles.push([...path.slice(path.indexOf(target)), target].map((f) => relative(SRC, f)).join(' → '));
        else if (!state.has(target)) visit(target);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of FILES) if (!state.has(file)) visit(file);
    assert.deepEqual(cycles, []);
  });

  it('keep the store away from routes: no surface or HTTP module imports src/store (the port gives them types only)', () => {
    const reaching = [...GRAPH]
      .filter(([file]) => ['surfaces', 'http'].includes(folderOf(file)))
      .flatMap(([file, imports]) => imports.filter(({ target }) => folderOf(target) === 'store').map(({ target }) => `${relative(ROOT, file)} imports ${relative(ROOT, target)}`));
    assert.deepEqual(reaching, []);
  });
});
