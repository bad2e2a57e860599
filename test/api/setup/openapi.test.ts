import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call, expectProblem } from './helpers.js';

let s: TestStack;
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, asserted field by field in tests
let doc: any;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
  doc = await (await s.app.request('/api/v1/openapi.json')).json();
});
afterAll(() => s.close());

describe('OpenAPI document', () => {
  it('describes every Channel setup route of the contract', () => {
    const contract = [
      ['get', '/settings'],
      ['put', '/settings'],
      ['post', '/messaging-accounts'],
      ['get', '/messaging-accounts'],
      ['get', '/messaging-accounts/{id}'],
      ['patch', '/messaging-accounts/{id}'],
      ['delete', '/messaging-accounts/{id}'],
      ['post', '/messaging-accounts/{id}/validate'],
      ['post', '/messaging-accounts/{id}/phone-numbers'],
      ['get', '/phone-numbers'],
      ['delete', '/phone-numbers/{id}'],
      ['post', '/queues'],
      ['post', '/workstreams'],
      ['post', '/workstreams/{id}/sms-channels'],
      ['post', '/workstreams/{id}/routing-rules'],
      ['post', '/agents'],
      ['post', '/bots'],
    ];
    for (const [method, path] of contract) expect(doc.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
  });

  it('declares the bearer security scheme and uses it on setup routes', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/queues'].post.security).toEqual([{ bearerAuth: [] }]);
  });

  it('is generated from the validating schemas (apiKey write-only, number type enum, problem responses)', () => {
    const create = doc.components.schemas.MessagingAccountCreate;
    expect(create.required).toEqual(expect.arrayContaining(['name', 'customerId', 'apiKey']));
    expect(create.properties.apiKey).toMatchObject({ writeOnly: true, minLength: 16 });
    expect(doc.components.schemas.MessagingAccount.properties.apiKey).toBeUndefined();
    expect(doc.components.schemas.PhoneNumberCreate.properties.type.enum).toEqual(['geo', 'short_code', 'toll_free']);
    expect(doc.paths['/phone-numbers/{id}'].delete.responses['409'].content['application/problem+json']).toBeDefined();
  });
});

describe('API reference page', () => {
  it('serves a self-contained Swagger UI at /api/docs that reads the OpenAPI document', async () => {
    const res = await s.app.request('/api/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/api/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    const init = await (await s.app.request('/api/docs/init.js')).text();
    expect(init).toContain('"/api/v1/openapi.json"');
    const js = await s.app.request('/api/docs/assets/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await s.app.request('/api/docs/assets/package.json')).status).toBe(404);
  });
});

describe('problem details conventions', () => {
  it('401 without a token, as problem+json', async () => {
    const p = expectProblem(await call(s, 'GET', '/queues', undefined, null), 401);
    expect(p.detail).toMatch(/Bearer/);
  });

  it('400 for malformed JSON', async () => {
    expectProblem(await call(s, 'POST', '/queues', '{"name": '), 400, { errors: false });
  });

  it('413 for an oversized body', async () => {
    expectProblem(await call(s, 'POST', '/queues', { name: 'x'.repeat(300 * 1024) }), 413, { errors: false });
  });

  it('422 lists every failing field with path and message', async () => {
    const p = expectProblem(await call(s, 'POST', '/queues', { name: '', agentIds: ['nope'], priority: 'high' }), 422);
    expect(p.errors!.map((e) => e.path).sort()).toEqual(['agentIds.0', 'name', 'priority']);
    for (const e of p.errors!) expect(p.detail).toContain(`${e.path}: ${e.message}`);
  });
});
