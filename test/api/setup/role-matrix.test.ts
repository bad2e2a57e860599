import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call, createUser, expectProblem, UNKNOWN_ID } from './helpers.js';

/**
 * Who may call each setup route. The list is checked against the OpenAPI document, so a new setup route without an
 * entry here fails the suite. A = admin, S = supervisor, G = agent. The status is what an allowed caller gets for a
 * call with unknown ids and an empty JSON body: proof the guard let it through to validation or the handler.
 */
const MATRIX: Record<string, [roles: string, allowedStatus: number]> = {
  'GET /settings': ['AS', 200],
  'PUT /settings': ['A', 200],
  'POST /messaging-accounts': ['A', 422],
  'GET /messaging-accounts': ['A', 200],
  'GET /messaging-accounts/{id}': ['A', 404],
  'PATCH /messaging-accounts/{id}': ['A', 404],
  'DELETE /messaging-accounts/{id}': ['A', 404],
  'POST /messaging-accounts/{id}/validate': ['A', 404],
  'POST /messaging-accounts/{id}/phone-numbers': ['A', 422],
  'GET /messaging-accounts/{id}/phone-numbers': ['AS', 404],
  'GET /phone-numbers': ['AS', 200],
  'GET /phone-numbers/{id}': ['AS', 404],
  'PATCH /phone-numbers/{id}': ['A', 404],
  'DELETE /phone-numbers/{id}': ['A', 404],
  'POST /queues': ['A', 422],
  'GET /queues': ['ASG', 200],
  'GET /queues/{id}': ['ASG', 404],
  'PATCH /queues/{id}': ['AS', 404],
  'DELETE /queues/{id}': ['A', 404],
  'POST /workstreams': ['A', 422],
  'GET /workstreams': ['AS', 200],
  'GET /workstreams/{id}': ['AS', 404],
  'PATCH /workstreams/{id}': ['A', 404],
  'DELETE /workstreams/{id}': ['A', 404],
  'POST /calendars': ['A', 422],
  'GET /calendars': ['AS', 200],
  'GET /calendars/{id}': ['AS', 404],
  'PATCH /calendars/{id}': ['A', 404],
  'DELETE /calendars/{id}': ['A', 404],
  'GET /workstreams/{id}/preferred-agents': ['AS', 404],
  // An id stands in for the customer number, which is digits: 422 naming it.
  'GET /workstreams/{id}/preferred-agents/{customerNumber}': ['AS', 422],
  'PUT /workstreams/{id}/preferred-agents/{customerNumber}': ['AS', 422],
  'DELETE /workstreams/{id}/preferred-agents/{customerNumber}': ['AS', 422],
  'POST /workstreams/{id}/sms-channels': ['A', 422],
  'GET /workstreams/{id}/sms-channels': ['AS', 404],
  'GET /workstreams/{id}/sms-channels/{channelId}': ['AS', 404],
  'PATCH /workstreams/{id}/sms-channels/{channelId}': ['A', 404],
  'DELETE /workstreams/{id}/sms-channels/{channelId}': ['A', 404],
  'POST /workstreams/{id}/routing-rules': ['A', 422],
  'GET /workstreams/{id}/routing-rules': ['AS', 404],
  'GET /workstreams/{id}/routing-rules/{ruleId}': ['AS', 404],
  'PATCH /workstreams/{id}/routing-rules/{ruleId}': ['A', 404],
  'DELETE /workstreams/{id}/routing-rules/{ruleId}': ['A', 404],
  'POST /workstreams/{id}/routing-rules/evaluate': ['AS', 422],
  'GET /workstreams/{id}/readiness': ['AS', 404],
  'POST /workstreams/{id}/readiness/test-sms': ['A', 404],
  'POST /agents': ['A', 422],
  'GET /agents': ['AS', 200],
  'GET /agents/{id}': ['AS', 404],
  'PATCH /agents/{id}': ['AS', 404],
  'POST /agents/{id}/token': ['A', 404],
  'POST /agents/{id}/login-links': ['A', 404],
  'POST /bots': ['A', 422],
  'GET /bots': ['AS', 200],
  'GET /bots/{id}': ['AS', 404],
  'PATCH /bots/{id}': ['A', 404],
  'DELETE /bots/{id}': ['A', 404],
  'GET /automated-messages': ['A', 200],
  'GET /audit-log': ['A', 200],
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
  'Audit log',
  'Calendars',
  'Preferred agents',
]);

let s: TestStack;
const tokens: Record<string, string | null> = {};
beforeAll(async () => {
  // Every route is tried with a bad token, from one in-process "address": lift the failed-credential limit here
  // (test/api/middleware/rate-limit.test.ts tests the limit).
  s = await createTestStack({ worker: false, env: { AUTH_FAILURE_LIMIT: '1000' } });
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

  for (const [route, [allowed, allowedStatus]] of Object.entries(MATRIX)) {
    const [method, path] = route.split(' ') as [string, string];
    it(`${route}: ${allowed.replace('A', 'admin ').replace('S', 'supervisor ').replace('G', 'agent ').trim()} allowed`, async () => {
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      const none = await call(s, method, concrete(path), body, null);
      expectProblem(none, 401);
      expectProblem(await call(s, method, concrete(path), body, 'sd_not-a-real-token'), 401);
      for (const role of ['A', 'S', 'G']) {
        const r = await call(s, method, concrete(path), body, tokens[role]!);
        if (allowed.includes(role)) expect(r.status, `${role} ${route}: ${r.text}`).toBe(allowedStatus);
        else expect(expectProblem(r, 403).detail).toMatch(/this action needs the role/);
      }
    });
  }
});
