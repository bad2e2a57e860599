import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/env.js';

const valid = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/db',
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(valid);
    expect(c.PORT).toBe(3000);
    expect(c.PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(c.TEMPORAL_ADDRESS).toBe('localhost:7233');
    expect(c.TEMPORAL_TASK_QUEUE).toBe('smsdesk');
    expect(c.TELESIGN_BASE_URL).toBe('https://rest-ww.telesign.com');
  });

  it('names a missing variable', () => {
    expect(() => loadConfig({ ENCRYPTION_KEY: valid.ENCRYPTION_KEY })).toThrowError(/DATABASE_URL: is required/);
  });

  it('names every bad variable with its rule', () => {
    try {
      loadConfig({ ...valid, PORT: 'eighty', ENCRYPTION_KEY: 'c2hvcnQ=', PUBLIC_BASE_URL: 'ftp://x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const vars = (err as ConfigError).problems.map((p) => p.variable).sort();
      expect(vars).toEqual(['ENCRYPTION_KEY', 'PORT', 'PUBLIC_BASE_URL']);
      expect((err as Error).message).toMatch(/ENCRYPTION_KEY: must be 32 bytes/);
    }
  });

  it('parses the egress allowlists: TeleSign origins (https unless written out) and bot host names', () => {
    const c = loadConfig({
      ...valid,
      TELESIGN_ALLOWED_HOSTS: 'rest-eu.example.com, http://127.0.0.1:4010,https://Rest.Example.com:8443',
      BOT_ALLOWED_HOSTS: 'Bots.Internal, 127.0.0.1:8080,[::1]',
    });
    expect(c.TELESIGN_ALLOWED_HOSTS).toEqual([
      'https://rest-eu.example.com',
      'http://127.0.0.1:4010',
      'https://rest.example.com:8443',
    ]);
    expect(c.BOT_ALLOWED_HOSTS).toEqual(['bots.internal', '127.0.0.1:8080', '[::1]']);
    expect(loadConfig(valid).TELESIGN_ALLOWED_HOSTS).toEqual([]);
    for (const [variable, value] of [
      ['TELESIGN_ALLOWED_HOSTS', 'https://rest.example.com/v1'],
      ['TELESIGN_ALLOWED_HOSTS', 'https://user@rest.example.com'],
      ['TELESIGN_ALLOWED_HOSTS', 'https://*.example.com'],
      ['TELESIGN_BASE_URL', 'https://rest-ww.telesign.com/v1?x'],
      ['BOT_ALLOWED_HOSTS', 'http://bots.internal/'],
    ] as const) {
      expect(() => loadConfig({ ...valid, [variable]: value }), value).toThrowError(new RegExp(`${variable}: `));
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ...valid, PORT: '' }).PORT).toBe(3000);
  });

  it('derives PUBLIC_BASE_URL from PORT and strips a trailing slash when given', () => {
    expect(loadConfig({ ...valid, PORT: '8080' }).PUBLIC_BASE_URL).toBe('http://localhost:8080');
    expect(loadConfig({ ...valid, PUBLIC_BASE_URL: 'https://sms.example.com/' }).PUBLIC_BASE_URL).toBe(
      'https://sms.example.com',
    );
  });
});
