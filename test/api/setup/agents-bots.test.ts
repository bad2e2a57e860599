import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../api/auth.js';
import { bootstrap } from '../../../api/bootstrap.js';
import { auditLog, bots, users } from '../../../db/schema/index.js';
import { decryptSecret, keyringFromConfig } from '../../../lib/secrets.js';
import { createTestStack, TEST_ADMIN_TOKEN, type TestStack } from '../../support/stack.js';
import { call, createUser, expectProblem, UNKNOWN_ID } from './helpers.js';

let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(() => s.close());

describe('agents and tokens', () => {
  it('creates an agent and shows the sd_ token once; only its hash is stored', async () => {
    const r = await call(s, 'POST', '/agents', {
      name: 'Ana',
      email: 'ana@example.com',
      role: 'agent',
      capacity: 4,
      skills: ['billing'],
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      name: 'Ana',
      email: 'ana@example.com',
      role: 'agent',
      capacity: 4,
      skills: ['billing'],
    });
    expect(r.body.token).toMatch(/^sd_[A-Za-z0-9_-]{43}$/);
    const row = await s.db.db.query.users.findFirst({ where: eq(users.id, r.body.id) });
    expect(row!.tokenHash).toBe(hashToken(r.body.token));
    expect(JSON.stringify(row)).not.toContain(r.body.token);
    // The token works, and reads never show it.
    const me = await call(s, 'GET', '/queues', undefined, r.body.token);
    expect(me.status).toBe(200);
    const one = await call(s, 'GET', `/agents/${r.body.id}`);
    const list = await call(s, 'GET', '/agents');
    expect(one.body.token).toBeUndefined();
    expect(one.text).not.toContain(r.body.token);
    expect(list.text).not.toContain(r.body.token);
    expect(list.text).not.toContain('tokenHash');
  });

  it('rotates a token: the old one stops working, the new one works', async () => {
    const a = await createUser(s, 'agent');
    const r = await call(s, 'POST', `/agents/${a.id}/token`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.token).not.toBe(a.token);
    expectProblem(await call(s, 'GET', '/queues', undefined, a.token), 401);
    expect((await call(s, 'GET', '/queues', undefined, r.body.token)).status).toBe(200);
    const audits = await s.db.db.select().from(auditLog).where(eq(auditLog.targetId, a.id));
    expect(audits.map((x) => x.action)).toContain('user.token_rotated');
  });

  it('patches capacity, skills, role and name; supervisors may change capacity and skills only', async () => {
    const a = await createUser(s, 'agent');
    const r = await call(s, 'PATCH', `/agents/${a.id}`, {
      capacity: 7,
      skills: ['fr'],
      role: 'supervisor',
      name: 'Zed',
    });
    expect(r.body).toMatchObject({ capacity: 7, skills: ['fr'], role: 'supervisor', name: 'Zed' });
    const sup = await createUser(s, 'supervisor');
    expect((await call(s, 'PATCH', `/agents/${a.id}`, { capacity: 2 }, sup.token)).body.capacity).toBe(2);
    expect(expectProblem(await call(s, 'PATCH', `/agents/${a.id}`, { role: 'admin' }, sup.token), 403).detail).toMatch(
      /supervisors may change only capacity and skills; changing role needs the admin role/,
    );
  });

  it('validates input and rejects a duplicate email (409)', async () => {
    const p = expectProblem(
      await call(s, 'POST', '/agents', { name: '', role: 'boss', capacity: -1, email: 'nope' }),
      422,
    );
    expect(p.errors!.map((e) => e.path).sort()).toEqual(['capacity', 'email', 'name', 'role']);
    await call(s, 'POST', '/agents', { name: 'A', email: 'dup@example.com', role: 'agent', capacity: 1 });
    const d = expectProblem(
      await call(s, 'POST', '/agents', { name: 'B', email: 'dup@example.com', role: 'agent', capacity: 1 }),
      409,
    );
    expect(d.detail).toMatch(/dup@example.com is already used/);
  });

  it('answers 404 for unknown agents', async () => {
    expectProblem(await call(s, 'GET', `/agents/${UNKNOWN_ID}`), 404);
    expectProblem(await call(s, 'PATCH', `/agents/${UNKNOWN_ID}`, { capacity: 1 }), 404);
    expectProblem(await call(s, 'POST', `/agents/${UNKNOWN_ID}/token`), 404);
  });

  it('never demotes the last admin', async () => {
    const admins = await s.db.db.select().from(users).where(eq(users.role, 'admin'));
    expect(admins).toHaveLength(1);
    const p = expectProblem(await call(s, 'PATCH', `/agents/${admins[0]!.id}`, { role: 'agent' }), 409);
    expect(p.detail).toMatch(/last admin/);
  });

  it('bootstrap honours BOOTSTRAP_ADMIN_TOKEN idempotently', async () => {
    await bootstrap(s.db.db, TEST_ADMIN_TOKEN);
    await bootstrap(s.db.db, TEST_ADMIN_TOKEN);
    const holders = await s.db.db
      .select()
      .from(users)
      .where(eq(users.tokenHash, hashToken(TEST_ADMIN_TOKEN)));
    expect(holders).toHaveLength(1);
    expect(holders[0]!.role).toBe('admin');
  });
});

describe('bots', () => {
  it('creates a builtin bot with greeting, answers and escalation phrases', async () => {
    const config = {
      greeting: 'Hi! Ask me about opening hours.',
      answers: [{ keywords: ['hours', 'open'], reply: 'We are open 9-17.' }],
      escalationPhrases: ['agent', 'human'],
      fallbackReply: 'Let me find someone.',
    };
    const r = await call(s, 'POST', '/bots', { name: 'FAQ', kind: 'builtin', config });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ name: 'FAQ', kind: 'builtin', config });
    const patched = await call(s, 'PATCH', `/bots/${r.body.id}`, { config: { answers: [], escalationPhrases: [] } });
    expect(patched.body.config).toEqual({ answers: [], escalationPhrases: [] });
    expectProblem(await call(s, 'PATCH', `/bots/${r.body.id}`, { url: 'https://x.example' }), 422);
  });

  it('creates a webhook bot whose secret is write-only, encrypted and audited', async () => {
    const secret = 'webhook-shared-secret-0123456789';
    const r = await call(s, 'POST', '/bots', {
      name: 'Hook',
      kind: 'webhook',
      url: 'https://bot.example/hook',
      secret,
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      kind: 'webhook',
      url: 'https://bot.example/hook',
      timeoutMs: 5000,
      secretHint: '…6789',
    });
    expect(r.text).not.toContain(secret);
    const row = await s.db.db.query.bots.findFirst({ where: eq(bots.id, r.body.id) });
    expect(decryptSecret(row!.secretCiphertext!, keyringFromConfig(s.config))).toBe(secret);
    const rotated = 'another-shared-secret-abcdefghij';
    const p = await call(s, 'PATCH', `/bots/${r.body.id}`, { secret: rotated, timeoutMs: 2000 });
    expect(p.body).toMatchObject({ secretHint: '…ghij', timeoutMs: 2000 });
    const texts = [
      r.text,
      p.text,
      (await call(s, 'GET', '/bots')).text,
      (await call(s, 'GET', `/bots/${r.body.id}`)).text,
    ];
    const audits = await s.db.db.select().from(auditLog).where(eq(auditLog.targetId, r.body.id));
    expect(audits.map((a) => a.action).sort()).toEqual(['bot.secret_rotated', 'bot.secret_set']);
    for (const t of [...texts, JSON.stringify(audits)]) {
      expect(t).not.toContain(secret);
      expect(t).not.toContain(rotated);
    }
  });

  it('validates the kind-specific fields and keeps kind immutable', async () => {
    const p = expectProblem(await call(s, 'POST', '/bots', { name: 'x', kind: 'webhook', url: 'not a url' }), 422);
    expect(p.errors!.map((e) => e.path).sort()).toEqual(['secret', 'url']);
    expectProblem(await call(s, 'POST', '/bots', { name: 'x', kind: 'llm' }), 422);
    const b = await call(s, 'POST', '/bots', { name: 'b', kind: 'builtin', config: {} });
    expect(b.status, b.text).toBe(201);
    expect(expectProblem(await call(s, 'PATCH', `/bots/${b.body.id}`, { kind: 'webhook' }), 409).detail).toMatch(
      /kind is immutable/,
    );
  });

  it('deletes a bot; unknown ids answer 404', async () => {
    const b = await call(s, 'POST', '/bots', { name: 'gone', kind: 'builtin', config: {} });
    expect((await call(s, 'DELETE', `/bots/${b.body.id}`)).status).toBe(204);
    expectProblem(await call(s, 'GET', `/bots/${b.body.id}`), 404);
    expectProblem(await call(s, 'PATCH', `/bots/${UNKNOWN_ID}`, { name: 'x' }), 404);
  });
});

describe('settings and automated messages', () => {
  it('has SMS enabled by default and can switch it off', async () => {
    const r = await call(s, 'GET', '/settings');
    expect(r.body).toMatchObject({ smsEnabled: true, declinesAllowed: 3 });
    const put = await call(s, 'PUT', '/settings', { smsEnabled: false });
    expect(put.body).toMatchObject({ smsEnabled: false, declinesAllowed: 3 });
    expect((await call(s, 'GET', '/settings')).body.smsEnabled).toBe(false);
    const bad = expectProblem(await call(s, 'PUT', '/settings', { smsEnabled: 'no', declinesAllowed: 9 }), 422);
    expect(bad.errors!.map((e) => e.path).sort()).toEqual(['declinesAllowed', 'smsEnabled']);
    await call(s, 'PUT', '/settings', { smsEnabled: true });
  });

  it('lists default texts per trigger and language', async () => {
    const r = await call(s, 'GET', '/automated-messages');
    expect(r.status).toBe(200);
    expect(r.body.languages).toEqual(['en', 'bg', 'es', 'fr', 'de']);
    const greeting = r.body.triggers.find((t: { trigger: string }) => t.trigger === 'greeting');
    expect(Object.keys(greeting.defaults)).toEqual(['en', 'bg', 'es', 'fr', 'de']);
    // The eleven D365 SMS triggers, the CSAT survey and its thank-you (#16), and the refused attachment (#17).
    expect(r.body.triggers).toHaveLength(14);
  });
});
