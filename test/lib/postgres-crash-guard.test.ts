import { describe, expect, it } from 'vitest';
import { isPostgresJsWriteAfterClose } from '../../lib/postgres-crash-guard.js';

describe('postgres.js crash guard', () => {
  it('recognises the write-after-close TypeError thrown inside postgres.js', () => {
    const err = new TypeError("Cannot read properties of null (reading 'write')");
    err.stack = `TypeError: Cannot read properties of null (reading 'write')\n    at nextWrite (file:///app/node_modules/postgres/src/connection.js:257:14)`;
    expect(isPostgresJsWriteAfterClose(err)).toBe(true);
  });

  it('lets the same message from our own code through (it would still exit)', () => {
    const err = new TypeError("Cannot read properties of null (reading 'write')");
    err.stack = `TypeError: Cannot read properties of null (reading 'write')\n    at send (file:///app/api/server.ts:10:3)`;
    expect(isPostgresJsWriteAfterClose(err)).toBe(false);
    expect(isPostgresJsWriteAfterClose(new Error('boom'))).toBe(false);
  });
});
