import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The folder dependency directions that matter most, checked on the source tree: every relative import (static,
 * dynamic, type-only and re-export) of every .ts/.tsx file is resolved to the top-level folder it lands in.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const SPECIFIER =
  /\b(import|export)(\s+type\b)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|\bimport\s+['"]([^'"]+)['"]/g;

/** One import: `to` is a repo path (relative specifiers, resolved to the .ts file) or the package as written. */
type Edge = { from: string; to: string; spec: string; typeOnly: boolean };

function resolveSpec(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts');
}

function importsOfFile(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  return [...text.matchAll(SPECIFIER)].map((m) => {
    const spec = (m[3] ?? m[4] ?? m[5])!;
    return { from: file, spec, to: resolveSpec(file, spec), typeOnly: Boolean(m[2]) };
  });
}

/** Every import of the files under `dir`. */
function importsOf(dir: string): Edge[] {
  return sourceFiles(dir).flatMap(importsOfFile);
}

/** What loading `entries` loads at run time: value imports followed through the tree (type-only imports are erased). */
function runtimeClosure(entries: string[]): Edge[] {
  const seen = new Set(entries);
  const queue = [...entries];
  const edges: Edge[] = [];
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const e of importsOfFile(file)) {
      if (e.typeOnly) continue;
      edges.push(e);
      if (e.spec.startsWith('.') && !seen.has(e.to)) {
        seen.add(e.to);
        if (/\.tsx?$/.test(e.to)) queue.push(e.to);
      }
    }
  }
  return edges;
}

const topFolder = (path: string) => path.split('/')[0]!;

function crossings(dirs: string[], forbidden: (e: Edge) => boolean): string[] {
  return dirs
    .flatMap(importsOf)
    .filter(forbidden)
    .map((e) => `${e.from} imports ${e.spec}`);
}

/** Packages with no I/O that domain and workflow code may use (validation, a linear-time regex engine). */
// luxon: date arithmetic over the Intl time-zone data (operating hours), no I/O.
const PURE_PACKAGES = new Set(['zod', 're2js', 'luxon']);
/** Folders whose modules do I/O (or pull it in): never loaded by workflow code. */
const IO_FOLDERS = new Set([
  'api',
  'web',
  'app',
  'db',
  'activities',
  'inbox',
  'telesign',
  'lib',
  'config',
  'worker',
  'dev',
]);

describe('folder dependency directions', () => {
  it('finds the imports it checks (the scan itself works)', () => {
    const edges = importsOf('inbox');
    expect(edges.some((e) => e.to === 'db/client.ts')).toBe(true);
    expect(edges.some((e) => e.to === 'drizzle-orm')).toBe(true);
  });

  it('nothing below the API imports api/, web/ or app/', () => {
    const below = ['activities', 'inbox', 'db', 'domain', 'workflows', 'telesign', 'temporal', 'lib', 'config'];
    expect(crossings(below, (e) => ['api', 'web', 'app'].includes(topFolder(e.to)))).toEqual([]);
  });

  it('inbox/ does not reach into activities/ (shared persistence lives in db/)', () => {
    expect(crossings(['inbox'], (e) => topFolder(e.to) === 'activities')).toEqual([]);
  });

  it('activities/ and inbox/ do not import each other', () => {
    expect(crossings(['activities'], (e) => topFolder(e.to) === 'inbox')).toEqual([]);
  });

  it('domain/ is pure: at run time it loads only domain/ and pure packages', () => {
    const impure = runtimeClosure(sourceFiles('domain')).filter((e) =>
      e.spec.startsWith('.') ? topFolder(e.to) !== 'domain' : !PURE_PACKAGES.has(e.spec),
    );
    expect(impure.map((e) => `${e.from} imports ${e.spec}`)).toEqual([]);
  });

  it('workflow code loads no I/O module: no node: built-in, no I/O folder, no package but the workflow SDK', () => {
    // async-mutex: a pure in-memory lock the conversation uses to run its updates one at a time (no I/O, no timers).
    const allowed = (pkg: string) =>
      PURE_PACKAGES.has(pkg) || pkg === 'async-mutex' || /^@temporalio\/(workflow|common)$/.test(pkg);
    const io = runtimeClosure(sourceFiles('workflows')).filter((e) =>
      e.spec.startsWith('.') ? IO_FOLDERS.has(topFolder(e.to)) : !allowed(e.spec),
    );
    expect(io.map((e) => `${e.from} imports ${e.spec}`)).toEqual([]);
  });

  it('the run-time closure follows value imports and skips type-only ones', () => {
    const edges = runtimeClosure(['inbox/apply-dlr.ts']);
    expect(edges.some((e) => e.spec === 'drizzle-orm')).toBe(true); // reached through db/repositories/
    expect(edges.some((e) => e.from === 'inbox/apply-dlr.ts' && e.to === 'db/client.ts')).toBe(false); // type-only
  });
});
