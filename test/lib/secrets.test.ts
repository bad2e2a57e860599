import { describe, expect, it } from 'vitest';
import {
  decryptSecret,
  encryptSecret,
  envelopeKeyId,
  keyringFromConfig,
  needsReencryption,
  SecretError,
  secretHint,
} from '../../lib/secrets.js';

const k = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const ring1 = keyringFromConfig({ ENCRYPTION_KEY: k(1), ENCRYPTION_KEY_ID: 'k1', ENCRYPTION_OLD_KEYS: undefined });
const ring2 = keyringFromConfig({ ENCRYPTION_KEY: k(2), ENCRYPTION_KEY_ID: 'k2', ENCRYPTION_OLD_KEYS: `k1:${k(1)}` });
const SECRET = 'R2VoZWltZXMgVGVsZVNpZ24gQVBJIGtleQ==';

describe('secrets (AES-256-GCM envelopes)', () => {
  it('round-trips and never contains the plaintext', () => {
    const env = encryptSecret(SECRET, ring1);
    expect(env).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(env).not.toContain(SECRET);
    expect(decryptSecret(env, ring1)).toBe(SECRET);
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret(SECRET, ring1)).not.toBe(encryptSecret(SECRET, ring1));
  });

  it('decrypts envelopes made with an old key after rotation and flags them for re-encryption', () => {
    const old = encryptSecret(SECRET, ring1);
    expect(decryptSecret(old, ring2)).toBe(SECRET);
    expect(needsReencryption(old, ring2)).toBe(true);
    const fresh = encryptSecret(SECRET, ring2);
    expect(envelopeKeyId(fresh)).toBe('k2');
    expect(needsReencryption(fresh, ring2)).toBe(false);
  });

  it('refuses an envelope whose key is not configured, naming only the key id', () => {
    const env = encryptSecret(SECRET, ring2);
    expect(() => decryptSecret(env, ring1)).toThrow(
      new SecretError('secret was encrypted with key k2, which is not configured'),
    );
  });

  it('detects tampering and relabelling to another key id', () => {
    const env = encryptSecret(SECRET, ring1);
    const parts = env.split('.');
    const flipped = Buffer.from(parts[4]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptSecret([...parts.slice(0, 4), flipped.toString('base64url')].join('.'), ring1)).toThrow(
      SecretError,
    );
    // Same key bytes under another id: the AAD binds the id, so this fails too.
    const alias = keyringFromConfig({ ENCRYPTION_KEY: k(1), ENCRYPTION_KEY_ID: 'k9', ENCRYPTION_OLD_KEYS: undefined });
    expect(() => decryptSecret(['v1', 'k9', ...parts.slice(2)].join('.'), alias)).toThrow(SecretError);
    expect(() => decryptSecret('plain-text', ring1)).toThrow('not a v1 secret envelope');
  });

  it('refuses a truncated authentication tag (GCM tags must be the full 16 bytes)', () => {
    const env = encryptSecret(SECRET, ring1);
    const parts = env.split('.');
    const tag = Buffer.from(parts[3]!, 'base64url');
    expect(tag).toHaveLength(16);
    for (const len of [4, 8, 12, 15]) {
      const short = [...parts.slice(0, 3), tag.subarray(0, len).toString('base64url'), parts[4]].join('.');
      expect(() => decryptSecret(short, ring1)).toThrow(/16-byte tag/);
    }
    expect(decryptSecret(env, ring1)).toBe(SECRET);
  });

  it('error messages never include the secret or the envelope', () => {
    const env = encryptSecret(SECRET, ring1);
    try {
      decryptSecret(env.slice(0, -2), ring1);
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain(SECRET);
      expect(String(err)).not.toContain(env.split('.')[4]!.slice(0, 10));
    }
  });

  it('hints show only the last 4 characters, and nothing of short secrets', () => {
    expect(secretHint(SECRET)).toBe('…eQ==');
    expect(secretHint('short')).toBe('…');
  });

  it('a hint never cuts a surrogate pair in half (PostgreSQL refuses lone surrogates)', () => {
    const hint = secretHint('abcdefghij\u{1F600}xyz');
    expect(hint).toBe('…\u{1F600}xyz');
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(hint)).toBe(false);
  });
});
