import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionFuzzTools } from '../../dev/provision-tools.js';
import { createTestStack, type TestStack } from '../support/stack.js';
import { call } from './setup/helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, asserted field by field
type Json = any;

let s: TestStack;
let doc: Json;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
  const res = await s.app.request('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(() => s?.close());

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
function operations(): { method: string; path: string; op: Json }[] {
  return Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })),
  );
}
const isPublic = (op: Json) => Array.isArray(op.security) && op.security.length === 0;

describe('OpenAPI 3.1 document', () => {
  it('is 3.1 with /api/v1 as its server, so Try it out and generated clients call /api/v1/...', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/api/v1' })]);
    expect(doc.paths['/me'].get).toBeDefined();
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/v1'))).toBe(false);
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.length).toBeGreaterThan(60);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('puts bearer security on every operation but the document itself and the customer link routes, which say security: []', () => {
    for (const { method, path, op } of operations()) {
      // The customer's attachment links: the token in the path is the credential.
      if (path === '/openapi.json' || path.startsWith('/public/')) expect(op.security, `${method} ${path}`).toEqual([]);
      else expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents the shared problem answers on every protected operation (429 with Retry-After)', () => {
    for (const { method, path, op } of operations().filter(({ op }) => !isPublic(op))) {
      const expected = ['401', '403', '413', '422', '429', ...(op.requestBody ? ['400', '415'] : [])];
      for (const status of expected) {
        expect(
          op.responses[status]?.content?.['application/problem+json'],
          `${method} ${path} ${status}`,
        ).toBeDefined();
      }
      expect(op.responses['429'].headers['Retry-After'], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/conversations/{id}/messages'].post.responses['503']).toBeDefined();
    expect(doc.paths['/inbox/release-held'].post.responses['409']).toBeDefined();
  });

  it('has no component schema that is nullable as a whole; nullable references say so where they are used', () => {
    for (const [name, schema] of Object.entries<Json>(doc.components.schemas)) {
      expect(schema.nullable, name).toBeUndefined();
      expect([schema.type].flat(), name).not.toContain('null');
    }
    expect(doc.components.schemas.ConversationSummary.properties.lastMessage).toEqual(
      expect.objectContaining({ anyOf: [{ $ref: '#/components/schemas/Message' }, { type: 'null' }] }),
    );
    expect(JSON.stringify(doc)).not.toContain('"nullable"');
  });

  it('describes the TeleSign callback as a webhook with its signature scheme', () => {
    const hook = doc.webhooks?.telesignCallback?.post;
    expect(hook).toBeDefined();
    expect(hook.security).toEqual([{ telesignSignature: [] }]);
    expect(hook.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/TeleSignCallback',
    });
    expect(Object.keys(hook.responses).sort()).toEqual(['200', '400', '401', '404', '413', '503']);
  });

  it('passes openapi-spec-validator (a real OpenAPI 3.1 validator, pinned in .tools/fuzz)', () => {
    const tools = provisionFuzzTools();
    const dir = mkdtempSync(join(tmpdir(), 'smsdesk-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const out = execFileSync(tools.python, ['-m', 'openapi_spec_validator', file], { encoding: 'utf8' });
      expect(out).toMatch(/OK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('answers the fuzzer found undocumented or wrong', () => {
  /** Status of a real answer must be one the document lists for that operation. */
  function expectDocumented(method: string, path: string, status: number) {
    expect(Object.keys(doc.paths[path][method].responses), `${method} ${path}`).toContain(String(status));
  }

  it('an empty PATCH of a phone number changes nothing and answers 200 (was a 500: UPDATE with no columns)', async () => {
    const account = await call(s, 'POST', '/messaging-accounts', {
      name: 'Fuzz',
      customerId: '11111111-2222-3333-4444-555555555555',
      apiKey: 'a'.repeat(40),
    });
    expect(account.status, account.text).toBe(201);
    const number = await call(s, 'POST', `/messaging-accounts/${account.body.id}/phone-numbers`, {
      number: '14255550123',
      type: 'geo',
    });
    expect(number.status, number.text).toBe(201);
    const r = await call(s, 'PATCH', `/phone-numbers/${number.body.id}`, {});
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ id: number.body.id, number: '14255550123', type: 'geo' });
  });

  it('a required body that is missing is 422 naming the body, not an empty change', async () => {
    const r = await call(s, 'PUT', '/settings');
    expect(r.status, r.text).toBe(422);
    expect(r.body.errors).toEqual([{ path: '(body)', message: 'a JSON body is required' }]);
    expectDocumented('put', '/settings', 422);
  });

  it('malformed JSON (400), a non-JSON body (415) and no token (401) are documented answers', async () => {
    const bad = await call(s, 'POST', '/queues', '{"name": ');
    expect(bad.status).toBe(400);
    expectDocumented('post', '/queues', 400);
    const res = await s.app.request('/api/v1/me/presence', {
      method: 'PUT',
      headers: { ...s.adminHeaders, 'content-type': 'text/plain' },
      body: 'available',
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectDocumented('put', '/me/presence', 415);
    const anon = await call(s, 'GET', '/me', undefined, null);
    expect(anon.status).toBe(401);
    expectDocumented('get', '/me', 401);
  });
});
