import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** A static asset served from memory with a content hash in its URL, so browsers may cache it forever. */
export type Asset = { body: string; type: string; hash: string };

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const hashOf = (body: string) => createHash('sha256').update(body).digest('hex').slice(0, 12);

/*
 * The client scripts are TypeScript bundled in-process by esbuild (tsx's own dependency, so present wherever the app
 * runs): one small file per page, built once per process on first use (~tens of ms), no build step to forget.
 */
async function bundle(entry: string): Promise<Asset> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [here(entry)],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
  });
  const body = out.outputFiles[0]!.text;
  return { body, type: 'text/javascript; charset=utf-8', hash: hashOf(body) };
}

async function stylesheet(): Promise<Asset> {
  const body = await readFile(here('./static/app.css'), 'utf8');
  return { body, type: 'text/css; charset=utf-8', hash: hashOf(body) };
}

const builders = {
  'agent.js': () => bundle('./client/agent.ts'),
  'admin.js': () => bundle('./client/admin.ts'),
  'files-download.js': () => bundle('./client/files-download.ts'),
  'files-upload.js': () => bundle('./client/files-upload.ts'),
  'reports.js': () => bundle('./client/reports.ts'),
  'app.css': () => stylesheet(),
} as const;
export type AssetName = keyof typeof builders;

const cache = new Map<AssetName, Promise<Asset>>();

export function asset(name: AssetName): Promise<Asset> {
  let p = cache.get(name);
  if (!p) {
    p = builders[name]();
    // A failed build is retried on the next request instead of being cached forever.
    p.catch(() => cache.delete(name));
    cache.set(name, p);
  }
  return p;
}

export const isAssetName = (name: string): name is AssetName => Object.hasOwn(builders, name);

/** The versioned URL of an asset, e.g. /assets/agent.js?v=1a2b3c. */
export async function assetUrl(name: AssetName): Promise<string> {
  return `/assets/${name}?v=${(await asset(name)).hash}`;
}
