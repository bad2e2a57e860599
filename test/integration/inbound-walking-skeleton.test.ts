import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagingAccounts } from '../../db/schema/index.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';

let s: TestStack;
let accountId: string;
beforeAll(async () => {
  s = await createTestStack();
  const [acc] = await s.db.db
    .insert(messagingAccounts)
    .values({ name: 'Main', customerId: 'CUST-1', apiKeyCiphertext: 'unused', apiKeyHint: '…0000' })
    .returning();
  accountId = acc!.id;
});
afterAll(() => s.close());

describe('inbound path, end to end on real Temporal and PostgreSQL', () => {
  it('a TeleSign mo_sms becomes a conversation readable through the API', async () => {
    const referenceId = `REF${Date.now()}`;
    const res = await s.app.request(`/webhooks/telesign/${accountId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        reference_id: referenceId,
        status: { code: 1500, description: 'Delivered to customer', updated_on: new Date().toISOString() },
        submit_timestamp: new Date().toISOString(),
        errors: [],
        sub_resource: 'mo_sms',
        user_response: { phone_number: '15551230001', sender_id: '4442', mo_message: 'Where is my order?' },
      }),
    });
    expect(res.status).toBe(200);

    const workflowId = conversationWorkflowId(accountId, '4442', '15551230001');
    const conv = await eventually(async () => {
      const rows = await s.db.sql`select id from conversations where workflow_id = ${workflowId}`;
      return rows[0];
    });
    const api = await s.app.request(`/api/v1/conversations/${conv.id}`, { headers: s.adminHeaders });
    expect(api.status).toBe(200);
    const body = await api.json();
    expect(body).toMatchObject({
      id: conv.id,
      state: 'open',
      customerNumber: '15551230001',
      supportNumber: '4442',
      workflow: { workflowId },
      messages: [
        { direction: 'inbound', text: 'Where is my order?', status: 'received', providerReferenceId: referenceId },
      ],
    });
    expect(body.workflow.uiUrl).toContain(encodeURIComponent(workflowId));
    const description = await s.temporal.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
  });

  it('answers 401 problem+json without a bearer token', async () => {
    const res = await s.app.request(`/api/v1/conversations/${crypto.randomUUID()}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('answers 422 naming the field for a malformed id', async () => {
    const res = await s.app.request('/api/v1/conversations/not-a-uuid', { headers: s.adminHeaders });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].path).toBe('id');
  });
});
