import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';

let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(() => s?.close());

describe('OpenAPI document', () => {
  it('is readable without credentials and describes every agent and supervisor route of the contract', async () => {
    const res = await s.app.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    const paths = Object.keys(doc.paths);
    const expected = [
      ['get', '/me'],
      ['put', '/me/presence'],
      ['get', '/me/conversations'],
      ['get', '/me/backlog'],
      ['get', '/conversations'],
      ['get', '/conversations/{id}'],
      ...[
        'accept',
        'reject',
        'pick',
        'messages',
        'wait',
        'end',
        'close',
        'transfer',
        'notes',
        'assign',
        'force-close',
      ].map((a) => ['post', `/conversations/{id}/${a}`]),
      ['get', '/queues/{id}/stats'],
      ['get', '/agents/overview'],
      ['get', '/events'],
    ];
    for (const [method, path] of expected) {
      expect(paths, path).toContain(path);
      expect(doc.paths[path!][method!], `${method} ${path}`).toBeDefined();
    }
    expect(doc.components.schemas.Conversation.properties.messages).toBeDefined();
    expect(doc.paths['/conversations/{id}/messages'].post.responses['202']).toBeDefined();
  });
});
