import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundServices } from '../../../api/background.js';
import { listen } from '../../../api/server.js';
import { agentFlow } from '../../../examples/agent-flow.js';
import { provision } from '../../../examples/provision.js';
import { createLogger } from '../../../lib/logger.js';
import { type Simulator, startSimulator } from '../../../telesign/simulator/server.js';
import { createTestStack, TEST_ADMIN_TOKEN, type TestStack } from '../../support/stack.js';

// The whole seed flow over real HTTP: provision (admin) → customer texts through the TeleSign simulator → the agent
// script plays offer, accept, reply, delivery, note, end, close using only the public API.
let s: TestStack;
let sim: Simulator;
let server: Awaited<ReturnType<typeof listen>>;
let background: Awaited<ReturnType<typeof startBackgroundServices>>;
let baseUrl: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, dlrDelaysMs: [50, 150] });
  s = await createTestStack({ env: { TELESIGN_BASE_URL: sim.url, INBOX_RELAY_INTERVAL_MS: '200' } });
  const deps = { config: s.config, db: s.db.db, sql: s.db.sql, temporal: s.temporal, logger: createLogger('silent') };
  background = await startBackgroundServices(deps);
  server = await listen(s.app, 0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await background?.stop();
  await s?.close();
  await sim?.stop();
});

describe('examples/agent-flow.ts against the running stack', () => {
  it('an agent takes a customer SMS from offer to closed, and the customer receives the reply', async () => {
    const supportNumber = '14252306549';
    const customerNumber = '15550009876';
    const acc = sim.addAccount({ numbers: [supportNumber] });
    const setup = await provision({
      baseUrl,
      token: TEST_ADMIN_TOKEN,
      customerId: acc.customerId,
      apiKey: acc.apiKey,
      number: supportNumber,
      restEndpoint: sim.url,
    });
    sim.setCallbackUrl(acc.customerId, `${baseUrl}/webhooks/telesign/${setup.accountId}`);

    const lines: string[] = [];
    const result = await agentFlow({
      baseUrl,
      token: setup.agentToken,
      simulator: { url: sim.url, supportNumber, customerNumber },
      timeoutMs: 45_000,
      log: (l) => {
        lines.push(l);
        if (process.env.AGENT_FLOW_LOG) console.log(l);
      },
    });
    expect(result, lines.join('\n')).toMatchObject({
      agentId: setup.agentId,
      finalState: 'closed',
      replyStatus: 'delivered',
    });
    expect(result.eventsSeen).toContain('conversation.offered');
    expect(
      sim
        .phone(customerNumber)
        .received()
        .map((m) => m.text),
    ).toContain('Hello! Your order ships today. Anything else I can help with?');
    // The internal note is in the transcript for staff, and never reached the customer's handset.
    const transcript = await fetch(`${baseUrl}/api/v1/conversations/${result.conversationId}`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    }).then((r) => r.json());
    expect(transcript.messages).toContainEqual(
      expect.objectContaining({ direction: 'note', text: 'Customer asked about order #1234.' }),
    );
    await sim.settle();
    expect(
      sim
        .phone(customerNumber)
        .received()
        .map((m) => m.text),
    ).not.toContain('Customer asked about order #1234.');
  }, 120_000);
});
