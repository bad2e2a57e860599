import { describe, expect, it } from 'vitest';
import { validateSmsNumber } from '../../domain/phone-number.js';

describe('validateSmsNumber', () => {
  it('accepts a geo number with country code', () => {
    expect(validateSmsNumber('14252306549', 'geo')).toBeNull();
  });

  it('rejects a number with a leading +', () => {
    expect(validateSmsNumber('+14252306549', 'geo')).toBe('number must contain digits only: remove the leading +');
  });

  it('rejects spaces', () => {
    expect(validateSmsNumber('1 425 230 6549', 'geo')).toBe('number must contain digits only: remove the spaces');
  });

  it('rejects dashes', () => {
    expect(validateSmsNumber('1-425-230-6549', 'toll_free')).toBe('number must contain digits only: remove the dashes');
  });

  it('rejects letters', () => {
    expect(validateSmsNumber('1425CALLNOW', 'geo')).toBe('number must contain digits only: letters are not allowed');
  });

  it('names other special characters', () => {
    expect(validateSmsNumber('(425)2306549', 'geo')).toBe('number must contain digits only: remove the characters ( )');
  });

  it('rejects an empty number', () => {
    expect(validateSmsNumber('', 'geo')).toBe('number is required');
  });

  it('rejects geo numbers shorter than 7 or longer than 15 digits', () => {
    expect(validateSmsNumber('123456', 'geo')).toMatch(/7 to 15 digits.*\(it has 6\)/);
    expect(validateSmsNumber('1234567890123456', 'geo')).toMatch(/7 to 15 digits.*\(it has 16\)/);
    expect(validateSmsNumber('1234567', 'geo')).toBeNull();
    expect(validateSmsNumber('123456789012345', 'geo')).toBeNull();
  });

  it('accepts 5 and 6 digit short codes and rejects other lengths', () => {
    expect(validateSmsNumber('12345', 'short_code')).toBeNull();
    expect(validateSmsNumber('123456', 'short_code')).toBeNull();
    expect(validateSmsNumber('1234', 'short_code')).toMatch(/5 to 6 digits for a short code/);
    expect(validateSmsNumber('1234567', 'short_code')).toMatch(/5 to 6 digits for a short code/);
  });

  it('rejects a national number that starts with 0 instead of the country code', () => {
    expect(validateSmsNumber('0888123456', 'geo')).toMatch(/start with the country code/);
  });
});
