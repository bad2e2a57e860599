import { Hono } from 'hono';
import { createDb } from '../../db/client.js';
import { createImmediateHandOver } from '../../inbox/hand-over/immediate-hand-over.js';
import { createInboxWriter } from '../../inbox/ingest/inbox-writer.js';
import { prepareCallback } from '../../inbox/ingest/parse-callback.js';
import type { StoreResult } from '../../inbox/ingest/store-callback.js';
import { withDeadline } from '../../lib/deadline.js';
import { ProblemError } from '../../lib/problem.js';
import { verifyCallbackSignature } from '../../telesign/signature.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { kindOfUnparsedBody, noteWebhookKind } from '../middleware/webhook-timing.js';
import { accountCredentials } from './account-credentials.js';
import { readWebhookBody } from './read-body.js';

const utf8 = new TextDecoder();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * TeleSign waits 5 s for an answer. If Postgres has not answered within this, say 503 so TeleSign retries, instead
 * of hanging on postgres.js' connect timeout. Safe: a write that commits after the 503 makes the retry a duplicate,
 * which is acknowledged, and the relay hands the stored row over either way.
 */
const DB_DEADLINE_MS = 3000;
const NO_DB_ANSWER = `no answer from PostgreSQL within ${DB_DEADLINE_MS} ms`;

/**
 * The webhook's long-lived parts for one set of dependencies (one per process in production): its own small writer
 * pool, so a connection that hangs mid-write can be dropped without touching the API's pool; the hand-over queue;
 * the credentials cache. Made on the first callback and kept as long as the deps are.
 */
type Intake = ReturnType<typeof createIntake>;
const intakes = new WeakMap<ApiDeps, Intake>();

function intakeFor(deps: ApiDeps): Intake {
  let intake = intakes.get(deps);
  if (!intake) {
    intake = createIntake(deps);
    intakes.set(deps, intake);
  }
  return intake;
}

function createIntake(deps: ApiDeps) {
  const accounts = accountCredentials(deps);
  const writer = createInboxWriter(deps.db, {
    flushTimeoutMs: DB_DEADLINE_MS - 500,
    connect: () => createDb(deps.config.DATABASE_URL, { max: 4, idleTimeoutSeconds: 60 }),
    onRecover: (err) => deps.logger.warn({ err }, 'webhook: inbox write hung; its connections were replaced'),
  });
  const immediateHandOver = createImmediateHandOver(deps);

  const unavailable = (err: unknown, what: string) => {
    deps.logger.error({ err }, `webhook: ${what}`);
    return new ProblemError(503, 'the database is unavailable; the callback was not stored, retry later');
  };

  const lookUp = async (accountId: string) => {
    try {
      return await withDeadline(accounts.load(accountId), DB_DEADLINE_MS, NO_DB_ANSWER);
    } catch (err) {
      if ((err as Error).name === 'SecretError') throw err;
      throw unavailable(err, 'account lookup failed');
    }
  };
  return { accounts, writer, immediateHandOver, unavailable, lookUp };
}

/**
 * POST /webhooks/telesign/{accountId} (contract "TeleSign callbacks"). Order matters: size limit, account, signature
 * on the raw bytes, JSON, then a (group) commit to the durable inbox and `200 {}`. Temporal is never awaited: a new MO
 * is handed over after the answer (bounded, in order per conversation), and by the inbox relay if that fails or is
 * shed. Postgres down → 503 so TeleSign retries.
 */
export const telesignWebhook = new Hono<AppEnv>().post('/telesign/:accountId', async (c) => {
  const deps = c.var.deps;
  const { accounts, writer, immediateHandOver, unavailable, lookUp } = intakeFor(deps);
  const accountId = c.req.param('accountId');
  // Built only when needed: an Error per accepted callback costs a stack capture.
  const notFound = () => new ProblemError(404, `messaging account ${accountId} does not exist or is disabled`);
  // The size limit comes first: nothing is read or looked up for a body that is too large.
  const request = await readWebhookBody(c, deps.config.WEBHOOK_MAX_BODY_BYTES);
  if (!UUID.test(accountId)) throw notFound();
  // Cached credentials (the common case) are used without awaiting anything.
  const account = accounts.cached(accountId) ?? (await lookUp(accountId));
  if (!account?.enabled) throw notFound();

  // The signature covers the exact bytes TeleSign sent.
  const verdict = verifyCallbackSignature({
    headers: request.headers,
    rawBody: request.bytes,
    customerId: account.customerId,
    apiKey: account.apiKey,
  });
  const raw = utf8.decode(request.bytes);
  if (!verdict.ok) {
    noteWebhookKind(c, kindOfUnparsedBody(raw));
    // Which check failed (e.g. the customer ID) would confirm a guess; only the server log says it.
    deps.logger.info({ accountId, reason: verdict.reason }, 'webhook: signature refused');
    throw new ProblemError(401, 'the TeleSign signature is not valid');
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ProblemError(400, 'the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProblemError(400, 'the body is not a JSON object');
  }
  const { payload, parsed } = prepareCallback(body);
  noteWebhookKind(c, parsed.kind);
  let result: StoreResult;
  try {
    result = await withDeadline(
      writer.store({ accountId, rawBody: raw, payload, parsed }),
      DB_DEADLINE_MS,
      NO_DB_ANSWER,
    );
  } catch (err) {
    throw unavailable(err, 'storing the callback failed');
  }
  const handOver = result.handOver;
  // After the answer is on its way: even serialising the gRPC call is not TeleSign's wait.
  if (handOver) setImmediate(() => immediateHandOver.submit(handOver));
  return c.json({});
});
