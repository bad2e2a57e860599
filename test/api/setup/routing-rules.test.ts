import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call, createQueue, createWorkstream, expectProblem, UNKNOWN_ID } from './helpers.js';

let s: TestStack;
let ws: { id: string };
let defaultQ: { id: string };
let billing: { id: string };
let vip: { id: string };
beforeAll(async () => {
  s = await createTestStack({ worker: false });
  defaultQ = await createQueue(s, 'Default');
  billing = await createQueue(s, 'Billing');
  vip = await createQueue(s, 'VIP');
  ws = await createWorkstream(s, defaultQ.id);
});
afterAll(() => s.close());

const rules = (path = '') => `/workstreams/${ws.id}/routing-rules${path}`;

describe('routing rules', () => {
  it('creates ordered rules and evaluates them: first match by order wins, no match goes to the default queue', async () => {
    const r1 = await call(s, 'POST', rules(), {
      name: 'VIP customers',
      order: 10,
      conditions: [{ field: 'customer.tag', operator: 'equals', value: 'vip' }],
      queueId: vip.id,
      priority: 5,
      skills: ['senior'],
    });
    expect(r1.status, r1.text).toBe(201);
    expect(r1.body).toMatchObject({ workstreamId: ws.id, order: 10, queueId: vip.id, priority: 5, skills: ['senior'] });
    const r2 = await call(s, 'POST', rules(), {
      name: 'Billing words',
      order: 20,
      conditions: [{ field: 'message.text', operator: 'matches', value: '\\b(bill|invoice|refund)' }],
      queueId: billing.id,
    });
    expect(r2.status, r2.text).toBe(201);
    expect(r2.body.priority).toBeNull();

    const list = await call(s, 'GET', rules());
    expect(list.body.items.map((r: { order: number }) => r.order)).toEqual([10, 20]);

    const ctx = (text: string, tags: string[] = []) => ({
      message: { text },
      customer: { number: '359888123456', tags },
      channel: { number: '14252306549', language: 'en' },
    });
    const both = await call(s, 'POST', rules('/evaluate'), ctx('Refund please', ['VIP']));
    expect(both.status, both.text).toBe(200);
    expect(both.body).toMatchObject({ queueId: vip.id, matchedRuleId: r1.body.id, priority: 5, skills: ['senior'] });
    const bill = await call(s, 'POST', rules('/evaluate'), ctx('My INVOICE is wrong'));
    expect(bill.body).toMatchObject({ queueId: billing.id, matchedRuleId: r2.body.id });
    expect(bill.body.trace.rules.map((r: { matched: boolean }) => r.matched)).toEqual([false, true]);
    const none = await call(s, 'POST', rules('/evaluate'), ctx('hello'));
    expect(none.body).toMatchObject({ queueId: defaultQ.id, matchedRuleId: null });
  });

  it('rejects an invalid regex at creation with a 422 naming the condition', async () => {
    const p = expectProblem(
      await call(s, 'POST', rules(), {
        name: 'bad',
        order: 99,
        conditions: [{ field: 'message.text', operator: 'matches', value: '(unclosed' }],
        queueId: billing.id,
      }),
      422,
    );
    expect(p.errors![0]!.path).toBe('conditions.0.value');
    expect(p.errors![0]!.message).toMatch(/^is not a valid RE2 regular expression/);
  });

  it('refuses patterns a linear-time engine cannot run (backreference, lookahead) with 422, on create and update', async () => {
    for (const value of ['(a)\\1', 'foo(?=bar)']) {
      const p = expectProblem(
        await call(s, 'POST', rules(), {
          name: 'backtracking',
          order: 97,
          conditions: [
            { field: 'message.text', operator: 'contains', value: 'x' },
            { field: 'message.text', operator: 'matches', value },
          ],
          queueId: billing.id,
        }),
        422,
      );
      expect(p.errors![0]!.path).toBe('conditions.1.value');
      expect(p.errors![0]!.message).toMatch(/RE2/);
    }
    const ok = await call(s, 'POST', rules(), {
      name: 'catastrophic for backtracking, fine for RE2',
      order: 96,
      conditions: [{ field: 'message.text', operator: 'matches', value: '(a+)+$' }],
      queueId: billing.id,
    });
    expect(ok.status).toBe(201);
    const patched = expectProblem(
      await call(s, 'PATCH', rules(`/${ok.body.id}`), {
        conditions: [{ field: 'message.text', operator: 'matches', value: '(?<=a)b' }],
      }),
      422,
    );
    expect(patched.errors![0]!.path).toBe('conditions.0.value');
    // The dry run uses the same engine: a 1,600-character attack text is decided at once.
    const t0 = performance.now();
    const run = await call(s, 'POST', rules('/evaluate'), {
      message: { text: `${'a'.repeat(1599)}!` },
      customer: { number: '359888123456', tags: [] },
      channel: { number: '14252306549', language: 'en' },
    });
    expect(run.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(2000);
    await call(s, 'DELETE', rules(`/${ok.body.id}`));
  });

  it('rejects unknown fields and operators, accepting bot.<var>', async () => {
    const p = expectProblem(
      await call(s, 'POST', rules(), {
        name: 'bad',
        order: 98,
        conditions: [
          { field: 'customer.email', operator: 'equals', value: 'x' },
          { field: 'message.text', operator: 'like', value: 'x' },
        ],
        queueId: billing.id,
      }),
      422,
    );
    expect(p.errors!.map((e) => e.path)).toEqual(['conditions.0.field', 'conditions.1.operator']);
    const ok = await call(s, 'POST', rules(), {
      name: 'bot topic',
      order: 30,
      conditions: [{ field: 'bot.BotHandoffTopic', operator: 'in', value: 'CreditCard, Loans' }],
      queueId: billing.id,
    });
    expect(ok.status, ok.text).toBe(201);
  });

  it('answers 409 when the order is already taken in the workstream', async () => {
    const p = expectProblem(
      await call(s, 'POST', rules(), { name: 'dup', order: 10, conditions: [], queueId: billing.id }),
      409,
    );
    expect(p.detail).toMatch(/order 10 is already used/);
  });

  it('answers 422 for an unknown queue and 404 for an unknown workstream or rule', async () => {
    const p = expectProblem(
      await call(s, 'POST', rules(), { name: 'q', order: 50, conditions: [], queueId: UNKNOWN_ID }),
      422,
    );
    expect(p.errors).toEqual([{ path: 'queueId', message: `no queue with id ${UNKNOWN_ID}` }]);
    expectProblem(
      await call(s, 'POST', `/workstreams/${UNKNOWN_ID}/routing-rules`, {
        name: 'q',
        order: 1,
        conditions: [],
        queueId: billing.id,
      }),
      404,
    );
    expectProblem(await call(s, 'GET', rules(`/${UNKNOWN_ID}`)), 404);
    expectProblem(await call(s, 'PATCH', rules(`/${UNKNOWN_ID}`), { name: 'x' }), 404);
    expectProblem(await call(s, 'DELETE', rules(`/${UNKNOWN_ID}`)), 404);
  });

  it('patches and deletes a rule', async () => {
    const r = await call(s, 'POST', rules(), { name: 'tmp', order: 60, conditions: [], queueId: billing.id });
    const patched = await call(s, 'PATCH', rules(`/${r.body.id}`), {
      order: 61,
      conditions: [{ field: 'channel.language', operator: 'equals', value: 'bg' }],
      priority: null,
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ order: 61, conditions: [{ field: 'channel.language' }], priority: null });
    expectProblem(await call(s, 'PATCH', rules(`/${r.body.id}`), { order: 10 }), 409);
    expect((await call(s, 'GET', rules(`/${r.body.id}`))).body.order).toBe(61);
    expect((await call(s, 'DELETE', rules(`/${r.body.id}`))).status).toBe(204);
    expectProblem(await call(s, 'GET', rules(`/${r.body.id}`)), 404);
  });
});
