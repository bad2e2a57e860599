import { eq } from 'drizzle-orm';
import { messagingAccounts } from '../../db/schema/index.js';
import { decryptSecret, keyringFromConfig } from '../../lib/secrets.js';
import type { ApiDeps } from '../deps.js';

/** What the webhook needs to check a callback's signature: the account's state and its TeleSign credentials. */
export type AccountCredentials = { enabled: boolean; customerId: string; apiKey: string };

/** Decrypted credentials are cached briefly: decrypting per callback is wasted work at volume. */
const CACHE_MS = 5000;
const CACHE_MAX = 1000;

/**
 * A cached lookup of a messaging account's credentials by id (null for an unknown account). `cached` answers
 * synchronously from the cache (undefined on a miss), so the webhook's common case awaits nothing and arms no deadline.
 */
export function accountCredentials(deps: Pick<ApiDeps, 'db' | 'config'>) {
  const keyring = keyringFromConfig(deps.config);
  const cache = new Map<string, { at: number; auth: AccountCredentials | null }>();
  return {
    cached(accountId: string): AccountCredentials | null | undefined {
      const hit = cache.get(accountId);
      return hit && Date.now() - hit.at < CACHE_MS ? hit.auth : undefined;
    },
    async load(accountId: string): Promise<AccountCredentials | null> {
      const row = await deps.db.query.messagingAccounts.findFirst({
        where: eq(messagingAccounts.id, accountId),
        columns: { enabled: true, customerId: true, apiKeyCiphertext: true },
      });
      const auth = row
        ? { enabled: row.enabled, customerId: row.customerId, apiKey: decryptSecret(row.apiKeyCiphertext, keyring) }
        : null;
      if (cache.size > CACHE_MAX) cache.clear();
      cache.set(accountId, { at: Date.now(), auth });
      return auth;
    },
  };
}
