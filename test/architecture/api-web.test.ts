import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A static import graph of the source folders: which file imports which, by its specifier (type-only imports too).

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDERS = ['api', 'web', 'activities', 'inbox', 'app', 'contract'] as const;
/**
 * The API process's entry point: started by this path (Dockerfile, compose, `npm run api`), it wires the composed app
 * (app/) and the background services, so it is a composition root like app/ and not a dependency of the api/ folder.
 */
const ENTRY_POINTS = new Set(['api/main.ts']);

type Edge = { from: string; to: string; typeOnly: boolean };

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"]*?\s*from\s*['"](\.[^'"]+)['"]/g;

/** The relative imports of one file's text: static, type-only, re-exports and dynamic imports. */
function edgesIn(file: string, text: string): Edge[] {
  const target = (spec: string) => relative(root, resolve(root, dirname(file), spec));
  return [
    ...[...text.matchAll(IMPORT)].map((m) => ({ from: file, to: target(m[3]!), typeOnly: !!m[2] })),
    ...[...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => ({
      from: file,
      to: target(m[1]!),
      typeOnly: false,
    })),
  ];
}

const folderOf = (path: string) => path.split('/')[0]!;
const edges = FOLDERS.flatMap((f) => sourceFiles(f)).flatMap((f) => edgesIn(f, readFileSync(join(root, f), 'utf8')));
const between = (list: Edge[], from: string, to: string) =>
  list.filter((e) => folderOf(e.from) === from && folderOf(e.to) === to).map((e) => `${e.from} imports ${e.to}`);

describe('api/ and web/ are composed by app/, never importing each other', () => {
  it('finds the imports it checks (the scan is not empty)', () => {
    expect(edges.some((e) => e.from === 'app/create-app.ts' && folderOf(e.to) === 'web')).toBe(true);
    expect(edges.some((e) => e.from === 'app/create-app.ts' && folderOf(e.to) === 'api')).toBe(true);
    expect(edges.some((e) => e.from === 'web/client/common.ts' && e.to === 'contract/api-type.js')).toBe(true);
    expect(edges.length).toBeGreaterThan(100);
  });

  it('would catch an import across, a type-only one included', () => {
    const planted = [
      ...edgesIn('web/client/x.ts', "import type { ApiType } from '../../api/v1.js';"),
      ...edgesIn('api/x.ts', "export { webPages } from '../web/routes.js';"),
      ...edgesIn('api/y.ts', "const m = await import('../web/routes.js');"),
    ];
    expect(between(planted, 'web', 'api')).toHaveLength(1);
    expect(between(planted, 'api', 'web')).toHaveLength(2);
  });

  it('no api/ module imports web/', () => {
    expect(between(edges, 'api', 'web')).toEqual([]);
  });

  it('no web/ module imports api/ (the typed client takes the API type from contract/)', () => {
    expect(between(edges, 'web', 'api')).toEqual([]);
  });

  it('nothing but the entry point imports the composing app/ from api/ or web/', () => {
    const intoApp = edges.filter((e) => !ENTRY_POINTS.has(e.from));
    expect([...between(intoApp, 'api', 'app'), ...between(intoApp, 'web', 'app')]).toEqual([]);
  });

  it('contract/ holds only types', () => {
    expect(edges.filter((e) => folderOf(e.from) === 'contract' && !e.typeOnly)).toEqual([]);
  });

  it('has no folder cycle between api/, web/, activities/, inbox/, app/ and contract/', () => {
    const arrows = new Map<string, Set<string>>();
    for (const e of edges) {
      const [a, b] = [folderOf(e.from), folderOf(e.to)];
      if (a === b || !FOLDERS.includes(b as never) || ENTRY_POINTS.has(e.from)) continue;
      if (!arrows.has(a)) arrows.set(a, new Set());
      arrows.get(a)!.add(b);
    }
    const cycles: string[] = [];
    const walk = (node: string, path: string[]) => {
      for (const next of arrows.get(node) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else walk(next, [...path, next]);
      }
    };
    for (const f of FOLDERS) walk(f, [f]);
    expect(cycles).toEqual([]);
  });
});
