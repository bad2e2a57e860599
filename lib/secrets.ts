import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Config } from '../config/env.js';

/**
 * Secrets at rest (TeleSign API keys, webhook-bot secrets): AES-256-GCM envelopes
 * "v1.<keyId>.<iv>.<tag>.<ciphertext>" (base64url parts). The key id travels with the ciphertext, so the key can be
 * rotated: new secrets use the current key, old envelopes still decrypt with keys listed in ENCRYPTION_OLD_KEYS.
 */

export type Keyring = { currentId: string; keys: ReadonlyMap<string, Buffer> };

const VERSION = 'v1';
const IV_BYTES = 12;
/** GCM's full tag. A shorter tag would be accepted by Node unless required, and makes forgery far easier. */
const TAG_BYTES = 16;

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

export function keyringFromConfig(
  config: Pick<Config, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEY_ID' | 'ENCRYPTION_OLD_KEYS'>,
): Keyring {
  const keys = new Map<string, Buffer>();
  for (const entry of config.ENCRYPTION_OLD_KEYS?.split(',') ?? []) {
    const [id, b64] = entry.split(':') as [string, string];
    keys.set(id, decodeKey(id, b64));
  }
  // The current key wins if an old entry reuses its id.
  keys.set(config.ENCRYPTION_KEY_ID, decodeKey(config.ENCRYPTION_KEY_ID, config.ENCRYPTION_KEY));
  return { currentId: config.ENCRYPTION_KEY_ID, keys };
}

function decodeKey(id: string, b64: string): Buffer {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) throw new SecretError(`encryption key ${id} must be 32 bytes (base64), got ${key.length}`);
  return key;
}

/** The version and key id are authenticated too, so an envelope cannot be relabelled to another key. */
const aad = (keyId: string) => Buffer.from(`${VERSION}.${keyId}`, 'utf8');

export function encryptSecret(plain: string, keyring: Keyring): string {
  const key = keyring.keys.get(keyring.currentId);
  if (!key) throw new SecretError(`current encryption key ${keyring.currentId} is missing from the keyring`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(keyring.currentId));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, keyring.currentId, iv, tag, ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Throws SecretError (never echoing the envelope) when the key is unknown or the envelope was tampered with. */
export function decryptSecret(envelope: string, keyring: Keyring): string {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretError('not a v1 secret envelope');
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  const key = keyring.keys.get(keyId);
  if (!key) throw new SecretError(`secret was encrypted with key ${keyId}, which is not configured`);
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
    throw new SecretError(`secret envelope must carry a ${IV_BYTES}-byte IV and a ${TAG_BYTES}-byte tag`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretError(`secret could not be decrypted with key ${keyId} (wrong key or tampered data)`);
  }
}

export function envelopeKeyId(envelope: string): string | null {
  const parts = envelope.split('.');
  return parts.length === 5 && parts[0] === VERSION ? (parts[1] ?? null) : null;
}

/** True when the envelope was made with an older key and should be re-encrypted under the current one. */
export function needsReencryption(envelope: string, keyring: Keyring): boolean {
  return envelopeKeyId(envelope) !== keyring.currentId;
}

/** What admins may see of a secret: its last 4 characters, and nothing at all of a short one. */
export function secretHint(plain: string): string {
  // Code points, not UTF-16 units: cutting a surrogate pair in half would leave text PostgreSQL refuses to store.
  const chars = [...plain];
  return chars.length >= 12 ? `…${chars.slice(-4).join('')}` : '…';
}
