import { readFileSync, writeFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { ApiDeps } from '../api/deps.js';
import { createApp } from '../app/create-app.js';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../lib/logger.js';

/**
 * Proves a refactoring left the API's description alone: compares two OpenAPI documents operation by operation
 * (path, method, statuses, their schemas, parameters, bodies) and component by component, after putting keys and
 * `required` lists in a stable order (their order means nothing in OpenAPI).
 *
 *   npx tsx dev/openapi-diff.ts --write before.json   # the current tree's document, canonical
 *   npx tsx dev/openapi-diff.ts before.json            # differences from the current tree's document (exit 1 if any)
 *   npx tsx dev/openapi-diff.ts before.json after.json # differences between two saved documents
 *
 * The document is built from the route definitions alone: no database, Temporal or network is touched.
 */

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, walked generically
type Json = any;

/** The document the app serves at /api/v1/openapi.json, built with dependencies that are never called. */
export async function currentDocument(): Promise<Json> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://unused/unused',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const unused = new Proxy({}, { get: (_t, key) => (key === 'then' ? undefined : unusedDep(String(key))) });
  const deps = { config, db: unused, sql: unused, temporal: unused as Client, logger: createLogger('silent') };
  const res = await createApp(deps as unknown as ApiDeps).request('/api/v1/openapi.json');
  if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  return res.json();
}

function unusedDep(key: string): never {
  throw new Error(`building the OpenAPI document touched deps.${key}`);
}

/** Keys sorted at every level; `required` (a set in JSON Schema) sorted too. */
export function canonical(v: Json, key = ''): Json {
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x));
    return key === 'required' ? [...items].sort() : items;
  }
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(v[k], k)]),
    );
  }
  return v;
}

/** Every place the two documents differ, as `pointer: before → after` (a missing side is `(none)`). */
export function differences(before: Json, after: Json, at = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const bothObjects =
    before &&
    after &&
    typeof before === 'object' &&
    typeof after === 'object' &&
    Array.isArray(before) === Array.isArray(after);
  if (!bothObjects) return [`${at || '/'}: ${show(before)} → ${show(after)}`];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.flatMap((k) =>
    differences(before[k], after[k], `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`),
  );
}

const show = (v: Json) => (v === undefined ? '(none)' : JSON.stringify(v).slice(0, 200));

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

/** How many operations, statuses and component schemas a document has (for the report line). */
export function census(doc: Json) {
  const ops = Object.values<Json>(doc.paths ?? {}).flatMap((item) =>
    METHODS.filter((m) => item[m]).map((m) => item[m]),
  );
  return {
    paths: Object.keys(doc.paths ?? {}).length,
    operations: ops.length,
    responses: ops.reduce((n, op) => n + Object.keys(op.responses ?? {}).length, 0),
    schemas: Object.keys(doc.components?.schemas ?? {}).length,
  };
}

async function main(args: string[]): Promise<number> {
  if (args[0] === '--write' && args[1]) {
    writeFileSync(args[1], `${JSON.stringify(canonical(await currentDocument()), null, 2)}\n`);
    return 0;
  }
  if (!args[0] || args[0].startsWith('-')) {
    console.error('usage: tsx dev/openapi-diff.ts --write FILE | BEFORE.json [AFTER.json]');
    return 2;
  }
  const before = canonical(JSON.parse(readFileSync(args[0], 'utf8')));
  const after = canonical(args[1] ? JSON.parse(readFileSync(args[1], 'utf8')) : await currentDocument());
  const diff = differences(before, after);
  const c = census(after);
  for (const line of diff) console.log(line);
  console.log(
    diff.length === 0
      ? `equivalent: ${c.paths} paths, ${c.operations} operations, ${c.responses} responses, ${c.schemas} component schemas`
      : `${diff.length} difference(s)`,
  );
  return diff.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
