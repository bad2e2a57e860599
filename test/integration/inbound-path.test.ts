import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../api/server.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import { newCustomerNumber, type SeededChannel, seedChannel } from '../support/seed.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';

// The inbound path end to end: a phone texts through the TeleSign simulator, which sends a signed mo_sms callback
// to our webhook; the inbox hands it to the conversation workflow; the API serves the transcript.
let s: TestStack;
let sim: Simulator;
let server: { port: number; close: () => Promise<void> };
let seed: SeededChannel;

beforeAll(async () => {
  s = await createTestStack();
  sim = await startSimulator();
  server = await listen(s.app, 0, '127.0.0.1');
  seed = await seedChannel(s.db.db, s.config, sim);
  sim.setCallbackUrl(seed.customerId, `http://127.0.0.1:${server.port}/webhooks/telesign/${seed.accountId}`);
});
afterAll(async () => {
  await server?.close();
  await sim?.stop();
  await s?.close();
});

describe('inbound path on real Temporal and PostgreSQL', () => {
  it('a customer text becomes a conversation readable through the API', async () => {
    const customer = newCustomerNumber();
    const { referenceId, callback } = await sim.phone(customer).send(seed.supportNumber, 'Where is my order?');
    expect(callback.attempts[0]?.httpStatus).toBe(200);

    const workflowId = conversationWorkflowId(seed.accountId, seed.supportNumber, customer);
    const conv = await eventually(async () => {
      const rows = await s.db.sql`select id from conversations where workflow_id = ${workflowId}`;
      return rows[0];
    });
    const api = await s.app.request(`/api/v1/conversations/${conv.id}`, { headers: s.adminHeaders });
    expect(api.status).toBe(200);
    const body = await api.json();
    expect(body).toMatchObject({
      id: conv.id,
      customerNumber: customer,
      supportNumber: seed.supportNumber,
      workflow: { workflowId },
    });
    expect(body.messages[0]).toMatchObject({
      direction: 'inbound',
      text: 'Where is my order?',
      status: 'received',
      providerReferenceId: referenceId,
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
});
