import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call, createUser, expectProblem, UNKNOWN_ID } from './helpers.js';

/** Calendars, the queue and workstream operating-rule fields, and preferred agents (issue #16) through the API. */

let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(() => s.close());

const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));
let n = 0;
const createCalendar = async (over: Record<string, unknown> = {}) => {
  const r = await call(s, 'POST', '/calendars', {
    name: `Office ${n++}`,
    timeZone: 'Europe/Sofia',
    weekly: weekdays,
    ...over,
  });
  expect(r.status, r.text).toBe(201);
  return r.body;
};
const createQueue = async (over: Record<string, unknown> = {}) => {
  const r = await call(s, 'POST', '/queues', { name: `Q ${n++}`, ...over });
  expect(r.status, r.text).toBe(201);
  return r.body;
};

describe('calendars', () => {
  it('creates, reads, lists, updates and deletes a calendar, saying whether it is open now', async () => {
    const cal = await createCalendar({
      holidays: [{ date: '2026-12-24', name: 'Christmas Eve' }],
      closures: [{ start: '2026-12-31T12:00:00+02:00', end: '2027-01-02T00:00:00+02:00', reason: 'New Year' }],
    });
    expect(cal).toMatchObject({ timeZone: 'Europe/Sofia', weekly: weekdays, holidays: [{ date: '2026-12-24' }] });
    expect(typeof cal.openNow).toBe('boolean');
    expect(cal.nextOpeningAt).toEqual(expect.any(String));
    expect((await call(s, 'GET', `/calendars/${cal.id}`)).body.name).toBe(cal.name);
    expect((await call(s, 'GET', '/calendars')).body.items.map((c: { id: string }) => c.id)).toContain(cal.id);
    const patched = await call(s, 'PATCH', `/calendars/${cal.id}`, { timeZone: 'America/New_York', weekly: [] });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ timeZone: 'America/New_York', openNow: false, nextOpeningAt: null });
    expect((await call(s, 'DELETE', `/calendars/${cal.id}`)).status).toBe(204);
    expectProblem(await call(s, 'GET', `/calendars/${cal.id}`), 404);
  });

  it('names the field and the rule of bad input', async () => {
    const bad = async (body: Record<string, unknown>, path: string, message: RegExp) => {
      const p = expectProblem(
        await call(s, 'POST', '/calendars', { name: `Bad ${n++}`, timeZone: 'UTC', ...body }),
        422,
      );
      expect(p.errors!.find((e) => e.path === path)?.message, JSON.stringify(p.errors)).toMatch(message);
    };
    await bad({ timeZone: 'Mars/Olympus' }, 'timeZone', /IANA time zone/);
    await bad({ weekly: [{ day: 8, start: '09:00', end: '17:00' }] }, 'weekly.0.day', /ISO weekday/);
    await bad({ weekly: [{ day: 1, start: '9:00', end: '17:00' }] }, 'weekly.0.start', /HH:MM/);
    await bad({ weekly: [{ day: 1, start: '18:00', end: '17:00' }] }, 'weekly.0.end', /after start/);
    await bad({ holidays: [{ date: '2026-02-30' }] }, 'holidays.0.date', /real calendar date/);
    await bad({ holidays: [{ date: '2026-12-24' }, { date: '2026-12-24' }] }, 'holidays', /repeat/);
    await bad(
      { closures: [{ start: '2026-12-01T10:00:00Z', end: '2026-12-01T09:00:00Z' }] },
      'closures.0.end',
      /after start/,
    );
    await bad({ closures: [{ start: 'tomorrow', end: '2026-12-01T09:00:00Z' }] }, 'closures.0.start', /ISO 8601/);
  });

  it('a duplicate name is 409; a calendar in use cannot be deleted', async () => {
    const cal = await createCalendar();
    expectProblem(await call(s, 'POST', '/calendars', { name: cal.name, timeZone: 'UTC' }), 409);
    await createQueue({ calendarId: cal.id });
    expect(expectProblem(await call(s, 'DELETE', `/calendars/${cal.id}`), 409).detail).toMatch(/used by queue/);
  });
});

describe('queue and workstream operating rules', () => {
  it('a queue carries a calendar and an overflow rule; references are checked', async () => {
    const cal = await createCalendar();
    const target = await createQueue();
    const q = await createQueue({
      calendarId: cal.id,
      overflow: { maxWaiting: 5, maxWaitMinutes: 30, action: 'transfer', targetQueueId: target.id },
    });
    expect(q).toMatchObject({
      calendarId: cal.id,
      overflow: { maxWaiting: 5, maxWaitMinutes: 30, action: 'transfer', targetQueueId: target.id, message: null },
    });
    const cleared = await call(s, 'PATCH', `/queues/${q.id}`, { calendarId: null, overflow: null });
    expect(cleared.body).toMatchObject({ calendarId: null, overflow: null });
    const p1 = expectProblem(await call(s, 'PATCH', `/queues/${q.id}`, { calendarId: UNKNOWN_ID }), 422);
    expect(p1.errors![0]!.path).toBe('calendarId');
    const p2 = expectProblem(
      await call(s, 'PATCH', `/queues/${q.id}`, {
        overflow: { maxWaiting: 1, action: 'transfer', targetQueueId: q.id },
      }),
      422,
    );
    expect(p2.errors![0]).toEqual({ path: 'overflow.targetQueueId', message: 'must be another queue' });
    const p3 = expectProblem(await call(s, 'PATCH', `/queues/${q.id}`, { overflow: { action: 'end' } }), 422);
    expect(p3.errors![0]!.message).toMatch(/maxWaiting or maxWaitMinutes/);
    const p4 = expectProblem(
      await call(s, 'PATCH', `/queues/${q.id}`, { overflow: { maxWaiting: 2, action: 'transfer' } }),
      422,
    );
    expect(p4.errors![0]!.path).toBe('overflow.targetQueueId');
    const p5 = expectProblem(
      await call(s, 'PATCH', `/queues/${q.id}`, { overflow: { maxWaitMinutes: 5000, action: 'end' } }),
      422,
    );
    expect(p5.errors![0]!.path).toBe('overflow.maxWaitMinutes');
    // An overflow target cannot be deleted from under its queue.
    await call(s, 'PATCH', `/queues/${q.id}`, {
      overflow: { maxWaiting: 2, action: 'transfer', targetQueueId: target.id },
    });
    expect(expectProblem(await call(s, 'DELETE', `/queues/${target.id}`), 409).detail).toMatch(/overflow target/);
  });

  it('supervisors may not change a queue’s hours or overflow', async () => {
    const sup = await createUser(s, 'supervisor');
    const q = await createQueue();
    const r = await call(s, 'PATCH', `/queues/${q.id}`, { overflow: null }, sup.token);
    expectProblem(r, 403);
  });

  it('a workstream carries a calendar, the out-of-hours action and the preferred-agent fallback', async () => {
    const cal = await createCalendar();
    const q = await createQueue();
    const r = await call(s, 'POST', '/workstreams', { name: 'Hours', defaultQueueId: q.id, calendarId: cal.id });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ calendarId: cal.id, outOfHoursAction: 'wait', preferredAgentFallback: 'queue' });
    const u = await call(s, 'PATCH', `/workstreams/${r.body.id}`, {
      outOfHoursAction: 'close',
      preferredAgentFallback: 'wait',
    });
    expect(u.body).toMatchObject({ outOfHoursAction: 'close', preferredAgentFallback: 'wait' });
    const bad = expectProblem(await call(s, 'PATCH', `/workstreams/${r.body.id}`, { outOfHoursAction: 'sleep' }), 422);
    expect(bad.errors![0]!.path).toBe('outOfHoursAction');
    const badCal = expectProblem(await call(s, 'PATCH', `/workstreams/${r.body.id}`, { calendarId: UNKNOWN_ID }), 422);
    expect(badCal.errors![0]!.path).toBe('calendarId');
  });
});

describe('preferred agents', () => {
  it('sets up to three in order, reads them back, lists and clears them (admin and supervisor)', async () => {
    const q = await createQueue();
    const ws = (await call(s, 'POST', '/workstreams', { name: 'Prefs', defaultQueueId: q.id })).body;
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => createUser(s, 'agent')));
    const sup = await createUser(s, 'supervisor');
    const path = `/workstreams/${ws.id}/preferred-agents/15551230001`;
    const set = await call(s, 'PUT', path, { agentIds: [c!.id, a!.id, b!.id] }, sup.token);
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ workstreamId: ws.id, customerNumber: '15551230001', agentIds: [c!.id, a!.id, b!.id] });
    expect((await call(s, 'GET', path)).body.agentIds).toEqual([c!.id, a!.id, b!.id]);
    const list = await call(s, 'GET', `/workstreams/${ws.id}/preferred-agents?customerNumber=1555`);
    expect(list.body.items).toEqual([set.body]);
    const four = expectProblem(await call(s, 'PUT', path, { agentIds: [a!.id, b!.id, c!.id, d!.id] }), 422);
    expect(four.errors![0]).toEqual({ path: 'agentIds', message: 'must list at most 3 agents' });
    const twice = expectProblem(await call(s, 'PUT', path, { agentIds: [a!.id, a!.id] }), 422);
    expect(twice.errors![0]!.message).toMatch(/repeat/);
    const unknown = expectProblem(await call(s, 'PUT', path, { agentIds: [a!.id, UNKNOWN_ID] }), 422);
    expect(unknown.errors![0]!.path).toBe('agentIds.1');
    const badNumber = expectProblem(
      await call(s, 'PUT', `/workstreams/${ws.id}/preferred-agents/+1555`, { agentIds: [] }),
      422,
    );
    expect(badNumber.errors![0]!.path).toBe('customerNumber');
    expectProblem(
      await call(s, 'PUT', `/workstreams/${UNKNOWN_ID}/preferred-agents/15551230001`, { agentIds: [] }),
      404,
    );
    expect((await call(s, 'DELETE', path, undefined, sup.token)).status).toBe(204);
    expect((await call(s, 'GET', path)).body.agentIds).toEqual([]);
  });

  it('agents may not set preferred agents', async () => {
    const agent = await createUser(s, 'agent');
    const q = await createQueue();
    const ws = (await call(s, 'POST', '/workstreams', { name: 'Prefs 2', defaultQueueId: q.id })).body;
    const r = await call(s, 'PUT', `/workstreams/${ws.id}/preferred-agents/15551230001`, { agentIds: [] }, agent.token);
    expectProblem(r, 403);
  });
});
