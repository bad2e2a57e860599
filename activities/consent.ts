import type { Db } from '../db/client.js';
import { type SetConsentInput, type SetConsentResult, setConsentIn } from '../db/repositories/consent.js';

export type { ConsentPosition, SetConsentInput, SetConsentResult } from '../db/repositories/consent.js';

export function consentActivities(db: Db) {
  return {
    async setConsent(input: SetConsentInput): Promise<SetConsentResult> {
      return db.transaction((tx) => setConsentIn(tx, input));
    },
  };
}
