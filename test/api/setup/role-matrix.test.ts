import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call, createUser, expectProblem, UNKNOWN_ID } from './helpers.js';

/**
 * Who may call each setup route. The list is checked against the OpenAPI document, so a new setup route without an
 * entry here fails the suite. A = admin, S = supervisor, G = agent.
 */
const MATRIX: Record<string, string> = {
  'GET /settings': 'AS',
  'PUT /settings': 'A',
  'POST /messaging-accounts': 'A',
  'GET /messaging-accounts': 'A',
  'GET /messaging-accounts/{id}': 'A',
  'PATCH /messaging-accounts/{id}': 'A',
  'DELETE /messaging-accounts/{id}': 'A',
  'POST /messaging-accounts/{id}/validate': 'A',
  'POST /messaging-accounts/{id}/phone-numbers': 'A',
  'GET /messaging-accounts/{id}/phone-numbers': 'AS',
  'GET /phone-numbers': 'AS',
  'GET /phone-numbers/{id}': 'AS',
  'PATCH /phone-numbers/{id}': 'A',
  'DELETE /phone-numbers/{id}': 'A',
  'POST /queues': 'A',
  'GET /queues': 'ASG',
  'GET /queues/{id}': 'ASG',
  'PATCH /queues/{id}': 'AS',
  'DELETE /queues/{id}': 'A',
  'POST /workstreams': 'A',
  'GET /workstreams': 'AS',
  'GET /workstreams/{id}': 'AS',
  'PATCH /workstreams/{id}': 'A',
  'DELETE /workstreams/{id}': 'A',
  'POST /workstreams/{id}/sms-channels': 'A',
  'GET /workstreams/{id}/sms-channels': 'AS',
  'GET /workstreams/{id}/sms-channels/{channelId}': 'AS',
  'PATCH /workstreams/{id}/sms-channels/{channelId}': 'A',
  'DELETE /workstreams/{id}/sms-channels/{channelId}': 'A',
  'POST /workstreams/{id}/routing-rules': 'A',
  'GET /workstreams/{id}/routing-rules': 'AS',
  'GET /workstreams/{id}/routing-rules/{ruleId}': 'AS',
  'PATCH /workstreams/{id}/routing-rules/{ruleId}': 'A',
  'DELETE /workstreams/{id}/routing-rules/{ruleId}': 'A',
  'POST /workstreams/{id}/routing-rules/evaluate': 'AS',
  'POST /agents': 'A',
  'GET /agents': 'AS',
  'GET /agents/{id}': 'AS',
  'PATCH /agents/{id}': 'AS',
  'POST /agents/{id}/token': 'A',
  'POST /bots': 'A',
  'GET /bots': 'AS',
  'GET /bots/{id}': 'AS',
  'PATCH /bots/{id}': 'A',
  'DELETE /bots/{id}': 'A',
  'GET /automated-messages': 'A',
};

const SETUP_TAGS = new Set([
  'Settings',
  'Messaging accounts',
  'Phone numbers',
  'Queues',
  'Workstreams',
  'SMS channels',
  'Routing rules',
  'Agents',
  'Bots',
  'Automated messages',
]);

let s: TestStack;
const tokens: Record<string, string | null> = {};
beforeAll(async () => {
  s = await createTestStack({ worker: false });
  tokens.A = s.adminHeaders.authorization.slice(7);
  tokens.S = (await createUser(s, 'supervisor')).token;
  tokens.G = (await createUser(s, 'agent')).token;
});
afterAll(() => s.close());

// Unknown ids keep allowed calls harmless (404/422): the matrix is about the guard, not the effect.
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, UNKNOWN_ID);

describe('role matrix for channel setup', () => {
  it('covers every setup route of the OpenAPI document', async () => {
    const doc = (await s.app.request('/api/v1/openapi.json')).json();
    const routes: string[] = [];
    for (const [path, ops] of Object.entries(
      (await doc).paths as Record<string, Record<string, { tags?: string[] }>>,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        if (op.tags?.some((t) => SETUP_TAGS.has(t))) routes.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(routes.sort()).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [route, allowed] of Object.entries(MATRIX)) {
    const [method, path] = route.split(' ') as [string, string];
    it(`${route}: ${allowed.replace('A', 'admin ').replace('S', 'supervisor ').replace('G', 'agent ').trim()} allowed`, async () => {
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      const none = await call(s, method, concrete(path), body, null);
      expectProblem(none, 401);
      expectProblem(await call(s, method, concrete(path), body, 'sd_not-a-real-token'), 401);
      for (const role of ['A', 'S', 'G']) {
        const r = await call(s, method, concrete(path), body, tokens[role]!);
        if (allowed.includes(role)) expect([401, 403], `${role} ${route}: ${r.text}`).not.toContain(r.status);
        else expect(expectProblem(r, 403).detail).toMatch(/this action needs the role/);
      }
    });
  }
});
