import { createHash, randomBytes } from 'node:crypto';

/**
 * Link tokens for customers: 128 random bits, base64url (22 characters, short enough for an SMS). Only the SHA-256
 * is stored, so the table alone yields no working link; expiry, revocation and single use live on the row.
 */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export const newLinkToken = (): string => randomBytes(16).toString('base64url');
export const hashLinkToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Paths of the customer pages (served by web/, linked from the SMS). */
export const downloadPagePath = (token: string) => `/f/${token}`;
export const uploadPagePath = (token: string) => `/u/${token}`;
