import type { Db } from '../db/client.js';
import { type SetConsentInput, setConsentIn } from '../db/repositories/consent.js';

export function consentActivities(db: Db) {
  return {
    async setConsent(input: SetConsentInput): Promise<{ applied: boolean }> {
      return db.transaction((tx) => setConsentIn(tx, input));
    },
  };
}
