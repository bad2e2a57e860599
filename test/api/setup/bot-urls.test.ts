import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call, expectProblem } from './helpers.js';

let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false, env: { BOT_ALLOWED_HOSTS: 'bots.internal,127.0.0.1:8085' } });
});
afterAll(() => s.close());

const SECRET = 'bot-secret-0123456789abcdef';
const create = (url: string) => call(s, 'POST', '/bots', { name: 'hook', kind: 'webhook', url, secret: SECRET });

describe('webhook bot URLs', () => {
  it('refuses plain http, user info, and loopback, private, link-local and metadata addresses with 422 on url', async () => {
    for (const url of [
      'http://bot.example/hook',
      'https://user:pw@bot.example/hook',
      'https://bot.example@127.0.0.1/hook',
      'https://127.0.0.1/hook',
      'https://0x7f000001/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://10.0.0.8/hook',
      'https://192.168.1.10/hook',
      'https://100.64.1.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00:ec2::254]/hook',
      'https://[fe80::1]/hook',
      'https://localhost/hook',
      'https://127.0.0.1:8086/hook', // a port BOT_ALLOWED_HOSTS does not name
    ]) {
      const p = expectProblem(await create(url), 422);
      expect(p.errors, url).toEqual([{ path: 'url', message: expect.any(String) }]);
    }
  });

  it('accepts public https URLs and hosts BOT_ALLOWED_HOSTS names, also on update', async () => {
    const ok = await create('https://bot.example/hook');
    expect(ok.status, ok.text).toBe(201);
    for (const url of ['http://bots.internal/hook', 'http://127.0.0.1:8085/hook']) {
      expect((await create(url)).status, url).toBe(201);
    }
    const patched = expectProblem(
      await call(s, 'PATCH', `/bots/${ok.body.id}`, { url: 'http://169.254.169.254/' }),
      422,
    );
    expect(patched.errors).toEqual([{ path: 'url', message: expect.any(String) }]);
    expect((await call(s, 'PATCH', `/bots/${ok.body.id}`, { url: 'https://bot2.example/hook' })).status).toBe(200);
  });
});
