/**
 * SMS number rules (D365 / TeleSign): digits only with the country code, no `+`, spaces, dashes or letters.
 * Pure: the API and tests use it; it could run in workflow code too.
 */

export type SmsNumberType = 'geo' | 'short_code' | 'toll_free';

const LENGTHS: Record<SmsNumberType, { min: number; max: number; label: string }> = {
  // E.164 allows at most 15 digits; 7 is the shortest real country code + subscriber number.
  geo: { min: 7, max: 15, label: 'a geo number' },
  toll_free: { min: 7, max: 15, label: 'a toll-free number' },
  // Short codes are national and carry no country code.
  short_code: { min: 5, max: 6, label: 'a short code' },
};

/** Returns null when the number is acceptable, else a sentence naming the rule that failed. */
export function validateSmsNumber(number: string, type: SmsNumberType): string | null {
  if (number.length === 0) return 'number is required';
  // The most specific reason first, so the admin knows exactly what to remove.
  if (number.trimStart().startsWith('+')) return 'number must contain digits only: remove the leading +';
  if (/\s/.test(number)) return 'number must contain digits only: remove the spaces';
  if (/[-\u2010-\u2015]/.test(number)) return 'number must contain digits only: remove the dashes';
  if (/\p{L}/u.test(number)) return 'number must contain digits only: letters are not allowed';
  if (!/^[0-9]+$/.test(number)) {
    const others = [...new Set(number.replace(/[0-9]/g, ''))].join(' ');
    return `number must contain digits only: remove the characters ${others}`;
  }
  const { min, max, label } = LENGTHS[type];
  if (number.length < min || number.length > max) {
    const withCc = type === 'short_code' ? '' : ' including the country code';
    return `number must have ${min} to ${max} digits for ${label}${withCc} (it has ${number.length})`;
  }
  // Country codes never start with 0; a leading 0 is a national trunk prefix, so the country code is missing.
  if (type !== 'short_code' && number.startsWith('0')) {
    return 'number must start with the country code, not 0 (e.g. 14252306549)';
  }
  return null;
}
