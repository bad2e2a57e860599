import { expect } from 'vitest';
import type { TestStack } from '../../support/stack.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, asserted field by field in tests
export type ApiResult = { status: number; body: any; contentType: string; text: string };

/** One call to the in-process app; `token` null sends no Authorization header. */
export async function call(
  s: TestStack,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = s.adminHeaders.authorization.slice('Bearer '.length),
): Promise<ApiResult> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await s.app.request(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, contentType: res.headers.get('content-type') ?? '', text };
}

/** One call as a user (the Authorization header of their `headers`), or with no credentials when `user` is null. */
export function callAs(
  s: TestStack,
  method: string,
  path: string,
  user: { headers: Record<string, string> } | null,
  body?: unknown,
): Promise<ApiResult> {
  const authorization = user?.headers.authorization;
  return call(s, method, path, body, authorization ? authorization.slice('Bearer '.length) : null);
}

/**
 * Asserts the contract's problem shape and returns it. Setup routes always include `errors`; problems made by the
 * app itself (malformed JSON, body limit, no such route) pass `{ errors: false }`.
 */
export function expectProblem(r: ApiResult, status: number, opts: { errors?: boolean } = {}) {
  expect(r.status, r.text).toBe(status);
  expect(r.contentType).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  if (opts.errors !== false) {
    expect(r.body.errors, r.text).toEqual(expect.any(Array));
    for (const e of r.body.errors) expect(e).toEqual({ path: expect.any(String), message: expect.any(String) });
  }
  return r.body as { detail: string; errors?: { path: string; message: string }[] };
}

export const API_KEY = 'dGVzdC1hcGkta2V5LXNlY3JldC12YWx1ZS0wMDAwMDAwMQ==';

export async function createAccount(s: TestStack, over: Record<string, unknown> = {}) {
  const r = await call(s, 'POST', '/messaging-accounts', {
    name: 'Main',
    provider: 'telesign',
    customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
    apiKey: API_KEY,
    ...over,
  });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; callbackUrl: string };
}

export async function createQueue(s: TestStack, name: string, over: Record<string, unknown> = {}) {
  const r = await call(s, 'POST', '/queues', { name, assignmentMethod: 'round_robin', agentIds: [], ...over });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string };
}

export async function createUser(s: TestStack, role: 'agent' | 'supervisor' | 'admin', name = `${role} user`) {
  const r = await call(s, 'POST', '/agents', { name, role, capacity: 3 });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; token: string };
}

export async function createNumber(s: TestStack, accountId: string, number: string) {
  const r = await call(s, 'POST', `/messaging-accounts/${accountId}/phone-numbers`, { number, type: 'geo' });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; number: string };
}

export async function createWorkstream(s: TestStack, defaultQueueId: string, over: Record<string, unknown> = {}) {
  const r = await call(s, 'POST', '/workstreams', { name: 'SMS support', defaultQueueId, ...over });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string };
}

export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
