import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A static import graph of the source folders: which file imports which, by its specifier (type-only imports too).

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDERS = ['api', 'web', 'activities', 'inbox'] as const;

type Edge = { from: string; to: string; typeOnly: boolean; names: string };

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'"]*?)\s*from\s*['"](\.[^'"]+)['"]/g;

function edgesOf(file: string): Edge[] {
  const text = readFileSync(join(root, file), 'utf8');
  const edges: Edge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const target = relative(root, resolve(root, dirname(file), m[4]!)).replace(/\.js$/, '');
    edges.push({ from: file, to: target, typeOnly: !!m[2], names: m[3]! });
  }
  // Dynamic imports count too.
  for (const m of text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    edges.push({ from: file, to: relative(root, resolve(root, dirname(file), m[1]!)), typeOnly: false, names: '' });
  }
  return edges;
}

const folderOf = (path: string) => path.split('/')[0]!;
const edges = FOLDERS.flatMap((f) => sourceFiles(f)).flatMap(edgesOf);

describe('api/ and web/ are composed by api/app.ts only', () => {
  it('finds the imports it checks (the scan is not empty)', () => {
    expect(edges.some((e) => e.from === 'api/app.ts' && folderOf(e.to) === 'web')).toBe(true);
    expect(edges.length).toBeGreaterThan(100);
  });

  it('no api/ module but api/app.ts imports web/', () => {
    const offending = edges.filter((e) => folderOf(e.from) === 'api' && folderOf(e.to) === 'web');
    expect(offending.filter((e) => e.from !== 'api/app.ts')).toEqual([]);
  });

  it('web/ imports from api/ nothing but the app type', () => {
    const offending = edges.filter(
      (e) =>
        folderOf(e.from) === 'web' && folderOf(e.to) === 'api' && !(e.typeOnly && /^\{\s*AppType\s*\}$/.test(e.names)),
    );
    expect(offending).toEqual([]);
  });

  it('has no folder cycle between api/, web/, activities/ and inbox/', () => {
    const arrows = new Map<string, Set<string>>();
    for (const e of edges) {
      const [a, b] = [folderOf(e.from), folderOf(e.to)];
      // The one sanctioned composition point and the type-only client import are not dependencies of the folder.
      if (a === b || !FOLDERS.includes(b as never) || e.from === 'api/app.ts' || (a === 'web' && e.typeOnly)) continue;
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
