import { afterAll, beforeAll } from 'vitest';
import { ready } from '../support/ready.js';
import { createTestStack, type TestStack } from '../support/stack.js';
import { makeAccount, makeUser, type TestUser } from './agent/fixtures.js';

type UserOptions = NonNullable<Parameters<typeof makeUser>[1]>;

/**
 * Registers beforeAll/afterAll for a file that reads and writes the API's tables directly (no worker): a test stack,
 * one messaging account and the named users. The users are objects from the start, filled in by beforeAll, so a file
 * can take them apart at module level (`const { ana, sue } = h.users`); the stack and the account id are getters.
 */
export function readModelHarness<P extends Record<string, UserOptions>>(people: P) {
  let stack: TestStack | undefined;
  let accountId: string | undefined;
  const users = Object.fromEntries(
    Object.keys(people).map((k) => [k, { id: '', token: '', headers: {} } satisfies TestUser]),
  ) as Record<keyof P, TestUser>;

  beforeAll(async () => {
    stack = await createTestStack({ worker: false });
    accountId = await makeAccount(stack.db.db);
    for (const [key, options] of Object.entries(people)) {
      Object.assign(users[key as keyof P], await makeUser(stack.db.db, options));
    }
  });
  afterAll(() => stack?.close());

  return {
    users,
    get s() {
      return ready(stack, 'readModelHarness.s');
    },
    get accountId() {
      return ready(accountId, 'readModelHarness.accountId');
    },
  };
}
