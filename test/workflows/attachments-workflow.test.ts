import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments, messages } from '../../db/schema/index.js';
import { handOverMo } from '../../inbox/hand-over/hand-over.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { forceCloseUpdate } from '../../workflows/definitions.js';
import { setToggles } from '../api/attachments/support.js';
import { createAgent, newCustomerNumber, type SeededChannel, seedChannel } from '../support/seed.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';
import { conversationDriver, maybeRecordHistory } from './support.js';

// The workflow's attachment paths (patches inbound-media and attachment-refused) on the real worker. With
// RECORD_HISTORIES=1 each run is saved as a replay fixture (test/workflows/histories/), which replay.test.ts replays.
let s: TestStack;
let sim: Simulator;
let ch: SeededChannel;
let drive: ReturnType<typeof conversationDriver>;

beforeAll(async () => {
  sim = await startSimulator({ dlrDelaysMs: [20, 40] });
  s = await createTestStack({ env: { TELESIGN_BASE_URL: sim.url } });
  ch = await seedChannel(s.db.db, s.config, sim, { agents: [{ capacity: 5 }] });
  drive = conversationDriver({ temporal: s.temporal, db: s.db.db, config: s.config, sql: s.db.sql }, ch);
});
afterAll(async () => {
  await s?.close();
  await sim?.stop();
});

async function send(customer: string, sms: Record<string, unknown>) {
  await handOverMo(
    { temporal: s.temporal, db: s.db.db, config: s.config },
    {
      inboxId: randomUUID(),
      accountId: ch.accountId,
      supportNumber: ch.supportNumber,
      customerNumber: customer,
      sms: {
        inboxId: randomUUID(),
        referenceId: randomUUID().replace(/-/g, '').toUpperCase(),
        text: '',
        receivedAt: new Date().toISOString(),
        ...sms,
      },
    },
  );
}

describe('conversation workflow: attachments', () => {
  it('fetches inbound media into storage after recording the placeholder (inbound-media)', async () => {
    const customer = newCustomerNumber();
    const media = `${sim.url}/sim/media/none`;
    await send(customer, { text: '[media received]', flags: { media: true }, media: [{ url: media }] });
    const conv = await drive.until(customer, (r) => r.state === 'open');
    // The simulator has no such media: the fetch fails for good (404) and says so; the conversation goes on.
    const row = await eventually(async () => {
      const a = await s.db.db.query.attachments.findFirst({ where: eq(attachments.conversationId, conv.id) });
      return a?.status === 'failed' ? a : undefined;
    });
    expect(row).toMatchObject({ source: 'inbound_media', sourceRef: media });
    expect(row.error).toMatch(/404/);
    const admin = await createAgent(s.db.db, { role: 'admin' });
    await drive.update(customer, forceCloseUpdate, drive.actor(admin, 'admin'));
    await maybeRecordHistory('inbound-media', drive.workflowIdOf(customer));
  });

  it('refuses a customer upload with an automated reply when the channel does not accept files (attachment-refused)', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: false, customersCanSend: false });
    const customer = newCustomerNumber();
    const id = randomUUID();
    await send(customer, { referenceId: `upload:${id}`, text: '[file] photo.png', attachment: { id } });
    const conv = await drive.until(customer, (r) => r.state === 'closed');
    const reply = await eventually(async () => {
      const rows = await s.db.db.query.messages.findMany({ where: eq(messages.conversationId, conv.id) });
      return rows.find((m) => m.direction !== 'inbound' && m.text.includes('cannot accept files'));
    });
    expect(reply.text).toMatch(/^Sorry, we cannot accept files/);
    expect(conv.resolution).toBe('auto_closed');
    await maybeRecordHistory('attachment-refused', drive.workflowIdOf(customer));
  });
});
