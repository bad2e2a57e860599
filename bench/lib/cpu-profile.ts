import { readdirSync, readFileSync } from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number };
type Share = { k: string; pct: number };

/** Names of the .cpuprofile files in `dir` now, to find the one a process writes later. */
export const profilesIn = (dir: string) => new Set(readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')));

/** The newest profile written to `dir` since `before`. */
export function newProfile(dir: string, before: Set<string>): string {
  return newProfiles(dir, before)[0]!;
}

/** Every profile written to `dir` since `before` (a process writes one per JS thread). */
export function newProfiles(dir: string, before: Set<string>): string[] {
  const files = [...profilesIn(dir)].filter((f) => !before.has(f));
  if (files.length === 0) throw new Error(`no profile written to ${dir}`);
  return files;
}

/** Self time of a V8 .cpuprofile, by package (node_modules/…, node internals, smsdesk) and by function. */
export function summarizeProfile(path: string, opts: { packages?: number; functions?: number } = {}) {
  const prof = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Node[] };
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const node of prof.nodes) {
    const { url, functionName, lineNumber } = node.callFrame;
    const short = url.replace(/^file:\/\/\/work\/main\//, '').replace(/.*node_modules\//, 'nm:');
    const key = `${functionName || '(anonymous)'} ${short}:${lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + node.hitCount);
    total += node.hitCount;
    const inModules = url.split('node_modules/')[1];
    const pkg = inModules
      ? inModules
          .split('/')
          .slice(0, inModules.startsWith('@') ? 2 : 1)
          .join('/')
      : url.startsWith('node:')
        ? 'node internals'
        : url.includes('/work/main/')
          ? 'smsdesk'
          : functionName.startsWith('(')
            ? functionName
            : 'other';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.hitCount);
  }
  const top = (m: Map<string, number>, n: number): Share[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => ({ k, pct: Math.round((v / total) * 1000) / 10 }));
  return { byPackage: top(byPackage, opts.packages ?? 15), topSelf: top(self, opts.functions ?? 25) };
}
