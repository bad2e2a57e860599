import { lookup } from 'node:dns/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { botActivity } from '../../activities/bot.js';
import { BotFailureTypes } from '../../activities/bot-failures.js';
import { bots } from '../../db/schema/index.js';
import { guardedLookup, isPublicAddress } from '../../lib/ssrf.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { testConfig } from '../support/stack.js';

/** A webhook bot on 127.0.0.1 whose behaviour each test picks; `hits` counts requests that reached it. */
let db: TestDb;
let hits = 0;
let handler: (req: IncomingMessage, res: ServerResponse) => void;
const server = createServer((req, res) => {
  hits++;
  handler(req, res);
});
let port: number;
let origin: string;
const target = createServer((_req, res) => {
  targetHits++;
  res.end('{"action":"reply","text":"from the redirect target"}');
});
let targetHits = 0;

const reply = (body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  db = await createTestDb();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  target.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => target.close(r));
  await db.drop();
});
beforeEach(() => {
  hits = 0;
  targetHits = 0;
  handler = reply({ action: 'reply', text: 'Hi from the bot', variables: { topic: 'billing' } });
});

async function turn(url: string, allowed = '', timeoutMs = 2000) {
  const [bot] = await db.db
    .insert(bots)
    .values({ name: 'hook', kind: 'webhook', config: { url, timeoutMs } })
    .returning();
  const run = botActivity({ db: db.db, config: testConfig({ DATABASE_URL: db.url, BOT_ALLOWED_HOSTS: allowed }) });
  return run({ botId: bot!.id, conversationId: 'c1', text: 'hello', variables: {}, first: true });
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the turn to fail');
    },
    (e: { type?: string; nonRetryable?: boolean; message: string }) => e,
  );

describe('webhook bot egress guard', () => {
  it('refuses a loopback bot by default, without connecting', async () => {
    for (const url of [`${origin}/hook`, `https://127.0.0.1:${port}/hook`, `https://localhost:${port}/hook`]) {
      const e = await failure(turn(url));
      expect(e, url).toMatchObject({ type: BotFailureTypes.Refused, nonRetryable: true });
    }
    expect(hits).toBe(0);
  });

  it('accepts it when BOT_ALLOWED_HOSTS names it, and signs nothing it was not given a secret for', async () => {
    const t = await turn(`${origin}/hook`, `127.0.0.1:${port}`);
    expect(t).toEqual({ action: 'reply', text: 'Hi from the bot', variables: { topic: 'billing' } });
    expect(hits).toBe(1);
    expect(await turn(`${origin}/hook`, '127.0.0.1')).toMatchObject({ action: 'reply' });
  });

  it('refuses a name that resolves to a non-public address, at connection time', async () => {
    const err = await new Promise<Error | null>((resolve) => guardedLookup('localhost', {}, (e) => resolve(e)));
    expect(err).toMatchObject({ code: 'EBLOCKEDADDRESS' });
  });

  it('a DNS name the static check cannot judge is refused once it resolves to this machine', async (ctx) => {
    // The machine's own name resolves to a loopback or private address on developer machines and in containers.
    const resolved = await lookup(hostname()).catch(() => null);
    if (!resolved || isPublicAddress(resolved.address)) return ctx.skip();
    const e = await failure(turn(`https://${hostname()}:${port}/hook`));
    expect(e).toMatchObject({ type: BotFailureTypes.Refused, nonRetryable: true });
    expect(e.message).toContain(resolved.address);
    expect(hits).toBe(0);
  });

  it('does not follow a redirect', async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/` });
      res.end();
    };
    const e = await failure(turn(`${origin}/hook`, `127.0.0.1:${port}`));
    expect(e).toMatchObject({ type: BotFailureTypes.Refused, nonRetryable: true });
    expect(e.message).toMatch(/redirect/);
    expect(targetHits).toBe(0);
  });

  it('refuses an oversized answer, declared or streamed, without buffering it', async () => {
    handler = reply({ action: 'reply', text: 'x', pad: 'y'.repeat(200 * 1024) });
    const declared = await failure(turn(`${origin}/hook`, `127.0.0.1:${port}`));
    expect(declared).toMatchObject({ type: BotFailureTypes.BadAnswer, nonRetryable: true });
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length
      const chunk = 'z'.repeat(16 * 1024);
      for (let i = 0; i < 16; i++) res.write(chunk);
      res.end();
    };
    const streamed = await failure(turn(`${origin}/hook`, `127.0.0.1:${port}`));
    expect(streamed).toMatchObject({ type: BotFailureTypes.BadAnswer, nonRetryable: true });
    expect(streamed.message).toMatch(/65536/);
  });

  it('refuses a reply longer than one SMS text (1,600 characters)', async () => {
    handler = reply({ action: 'reply', text: 'é'.repeat(1601) });
    const e = await failure(turn(`${origin}/hook`, `127.0.0.1:${port}`));
    expect(e).toMatchObject({ type: BotFailureTypes.BadAnswer, nonRetryable: true });
    handler = reply({ action: 'reply', text: 'é'.repeat(1600) });
    expect(await turn(`${origin}/hook`, `127.0.0.1:${port}`)).toMatchObject({ action: 'reply' });
  });

  it('a slow or failing bot is a retryable failure', async () => {
    handler = () => {
      /* never answers */
    };
    const slow = await failure(turn(`${origin}/hook`, `127.0.0.1:${port}`, 300));
    expect(slow).toMatchObject({ type: BotFailureTypes.Unavailable, nonRetryable: false });
    handler = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    const down = await failure(turn(`${origin}/hook`, `127.0.0.1:${port}`));
    expect(down).toMatchObject({ type: BotFailureTypes.Unavailable, nonRetryable: false });
    server.closeAllConnections();
  });
});

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['100.64.0.1', false],
    ['100.100.100.200', false],
    ['169.254.169.254', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00:ec2::254', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:169.254.169.254', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['2002:7f00:1::', false],
    ['224.0.0.1', false],
    ['8.8.8.8', true],
    ['::ffff:8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
