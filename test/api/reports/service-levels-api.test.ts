import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, csatSurveys, slaMeasurements } from '../../../db/schema/index.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call, createQueue, createUser, expectProblem, UNKNOWN_ID } from '../setup/helpers.js';

let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(() => s.close());

describe('SLA targets per queue', () => {
  it('reads defaults, sets targets (admin), and supervisors read but may not write', async () => {
    const q = await createQueue(s, `SLA ${randomUUID()}`);
    const empty = await call(s, 'GET', `/queues/${q.id}/sla`);
    expect(empty.body).toEqual({
      queueId: q.id,
      firstResponseSeconds: null,
      nextResponseSeconds: null,
      resolutionSeconds: null,
      warningPercent: 80,
      updatedAt: null,
    });
    const set = await call(s, 'PUT', `/queues/${q.id}/sla`, { firstResponseSeconds: 300, warningPercent: 75 });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ firstResponseSeconds: 300, nextResponseSeconds: null, warningPercent: 75 });
    const again = await call(s, 'PUT', `/queues/${q.id}/sla`, { nextResponseSeconds: 900, firstResponseSeconds: null });
    expect(again.body).toMatchObject({ firstResponseSeconds: null, nextResponseSeconds: 900, warningPercent: 75 });

    const sup = await createUser(s, 'supervisor');
    expect((await call(s, 'GET', `/queues/${q.id}/sla`, undefined, sup.token)).status).toBe(200);
    expectProblem(await call(s, 'PUT', `/queues/${q.id}/sla`, { resolutionSeconds: 60 }, sup.token), 403, {
      errors: false,
    });
    const agent = await createUser(s, 'agent');
    expectProblem(await call(s, 'GET', `/queues/${q.id}/sla`, undefined, agent.token), 403, { errors: false });
    expectProblem(await call(s, 'GET', `/queues/${q.id}/sla`, undefined, null), 401, { errors: false });
  });

  it('names the field and rule of bad targets; unknown queues are 404', async () => {
    const q = await createQueue(s, `SLA bad ${randomUUID()}`);
    for (const [body, path] of [
      [{ warningPercent: 0 }, 'warningPercent'],
      [{ warningPercent: 101 }, 'warningPercent'],
      [{ firstResponseSeconds: -5 }, 'firstResponseSeconds'],
      [{ resolutionSeconds: 1.5 }, 'resolutionSeconds'],
      [{ nextResponseSeconds: 'soon' }, 'nextResponseSeconds'],
      [{ other: 1 }, ''],
    ] as const) {
      const p = expectProblem(await call(s, 'PUT', `/queues/${q.id}/sla`, body), 422);
      if (path) expect(p.errors!.map((e) => e.path)).toContain(path);
    }
    expectProblem(await call(s, 'GET', `/queues/${UNKNOWN_ID}/sla`), 404);
    expectProblem(await call(s, 'PUT', `/queues/${UNKNOWN_ID}/sla`, { warningPercent: 50 }), 404);
  });
});

describe('CSAT survey per channel', () => {
  it('unknown channels are 404 and bad windows 422', async () => {
    expectProblem(await call(s, 'GET', `/sms-channels/${UNKNOWN_ID}/csat`), 404);
    expectProblem(await call(s, 'PUT', `/sms-channels/${UNKNOWN_ID}/csat`, { enabled: true }), 404);
    const bad = expectProblem(await call(s, 'PUT', `/sms-channels/${UNKNOWN_ID}/csat`, { windowMinutes: 0 }), 422);
    expect(bad.errors!.map((e) => e.path)).toContain('windowMinutes');
  });
});

describe('daily reports', () => {
  const day = '2026-11-20';
  let queueId: string;
  let agentId: string;

  beforeAll(async () => {
    queueId = (await createQueue(s, `Reports ${randomUUID()}`)).id;
    agentId = (await createUser(s, 'agent')).id;
    const at = (h: number, m = 0) => new Date(`${day}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await s.db.db.insert(conversations).values(
      ids.map((id, i) => ({
        id,
        workflowId: `conv:test:${id}`,
        runId: 'r',
        accountId: randomUUID(),
        queueId,
        agentId,
        customerNumber: `1555000000${i}`,
        supportNumber: '15550009999',
        resolution: i < 2 ? ('resolved' as const) : null,
        state: i < 2 ? ('closed' as const) : ('active' as const),
        createdAt: at(9 + i),
      })),
    );
    // First responses of 60, 120 and 600 s against a 300 s target: two met, one breached.
    await s.db.db.insert(slaMeasurements).values(
      [60, 120, 600].map((seconds, i) => ({
        conversationId: ids[i]!,
        queueId,
        agentId,
        kind: 'first_response',
        startedAt: at(9 + i),
        endedAt: new Date(at(9 + i).getTime() + seconds * 1000),
        seconds,
        targetSeconds: 300,
        breached: seconds > 300,
      })),
    );
    await s.db.db.insert(csatSurveys).values(
      [5, 4].map((rating, i) => ({
        id: randomUUID(),
        conversationId: ids[i]!,
        queueId,
        agentId,
        sentAt: at(12),
        expiresAt: at(23),
        rating,
        answeredAt: at(13, i),
      })),
    );
  });

  it('per queue and day: volumes, percentiles, SLA attainment and CSAT, every day of the range', async () => {
    const r = await call(s, 'GET', `/reports/queues?from=2026-11-19&to=2026-11-21`);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ from: '2026-11-19', to: '2026-11-21' });
    const mine = r.body.items.filter((x: { queueId: string }) => x.queueId === queueId);
    expect(mine.map((x: { day: string }) => x.day)).toEqual(['2026-11-19', '2026-11-20', '2026-11-21']);
    expect(mine[0]).toMatchObject({ conversations: 0, csatCount: 0, csatAverage: null, slaAttainment: null });
    expect(mine[1]).toMatchObject({
      conversations: 3,
      resolved: 2,
      firstResponse: { count: 3, p50Seconds: 120, p90Seconds: 504 },
      nextResponse: { count: 0, p50Seconds: null },
      slaMeasured: 3,
      slaMet: 2,
      slaAttainment: 0.667,
      csatCount: 2,
      csatAverage: 4.5,
      overflowed: 0,
    });
  });

  it('per agent and day', async () => {
    const r = await call(s, 'GET', `/reports/agents?from=${day}&to=${day}`);
    expect(r.status, r.text).toBe(200);
    const row = r.body.items.find((x: { agentId: string }) => x.agentId === agentId);
    expect(row).toMatchObject({ day, conversations: 3, slaMet: 2, csatAverage: 4.5 });
  });

  it('exports CSV with Accept: text/csv or ?format=csv', async () => {
    const res = await s.app.request(`/api/v1/reports/queues?from=${day}&to=${day}`, {
      headers: { ...s.adminHeaders, accept: 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^queue_id,queue_name,day,conversations,resolved,first_response_count/);
    const mine = lines.find((l) => l.startsWith(queueId))!.split(',');
    expect(mine.slice(2, 6)).toEqual([day, '3', '2', '3']);
    const viaQuery = await call(s, 'GET', `/reports/agents?from=${day}&to=${day}&format=csv`);
    expect(viaQuery.contentType).toMatch(/^text\/csv/);
    expect(viaQuery.text.split('\r\n')[0]).toMatch(/^agent_id,agent_name,day/);
  });

  it('bad ranges and formats name the field; agents may not read reports', async () => {
    for (const [query, path] of [
      ['from=2026-11-22&to=2026-11-20', 'from'],
      ['from=2026-02-30&to=2026-03-01', 'from'],
      ['from=2024-01-01&to=2026-01-01', 'from'],
      ['to=yesterday', 'to'],
      ['from=0000-01-01&to=0000-01-02', 'from'],
      ['format=xml', 'format'],
    ] as const) {
      const p = expectProblem(await call(s, 'GET', `/reports/queues?${query}`), 422);
      expect(p.errors!.map((e) => e.path)).toContain(path);
    }
    const agent = await createUser(s, 'agent');
    expectProblem(await call(s, 'GET', '/reports/queues', undefined, agent.token), 403, { errors: false });
    expectProblem(await call(s, 'GET', '/reports/agents', undefined, null), 401, { errors: false });
    const sup = await createUser(s, 'supervisor');
    const ok = await call(s, 'GET', '/reports/agents', undefined, sup.token);
    expect(ok.status).toBe(200);
    expect(ok.body.items.length % 14).toBe(0); // the last 14 days by default
  });
});

describe('SLA and CSAT in Prometheus', () => {
  it('exports running, at-risk and breached clocks, breaches, attainment and CSAT from the read models', async () => {
    const id = randomUUID();
    const now = Date.now();
    await s.db.db.insert(conversations).values({
      id,
      workflowId: `conv:metrics:${id}`,
      runId: 'r',
      accountId: randomUUID(),
      customerNumber: '15550001111',
      supportNumber: '15550009999',
      state: 'open',
      slaFirstResponseDueAt: new Date(now - 60_000),
      slaFirstResponseWarnedAt: new Date(now - 120_000),
      slaFirstResponseBreachedAt: new Date(now - 60_000),
      slaNextResponseDueAt: null,
    });
    const res = await s.app.request('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (line: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${line} `))
          ?.split(' ')[1],
      );
    expect(value('smsdesk_sla_breached_open{kind="first_response"}')).toBeGreaterThanOrEqual(1);
    expect(value('smsdesk_sla_breaches_24h{kind="first_response"}')).toBeGreaterThanOrEqual(1);
    expect(value('smsdesk_sla_clocks_running{kind="first_response"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^smsdesk_sla_attainment_ratio_24h\{kind="next_response"\} /m);
    expect(text).toMatch(/^smsdesk_csat_average_24h /m);
  });
});
