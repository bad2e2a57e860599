import { condition } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';

/**
 * Update handlers run concurrently with the main loop and with each other; every change to the conversation goes
 * through one lock so transitions and their activities never interleave (safe-message-handlers pattern).
 */
export interface ConversationLock {
  run<T>(fn: () => Promise<T>): Promise<T>;
  readonly busy: boolean;
}

/**
 * async-mutex: waiters enter one at a time, first come first served. Pure promises (no timers, no I/O), so it is
 * deterministic in the workflow sandbox.
 */
export class FifoLock implements ConversationLock {
  private readonly mutex = new Mutex();

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(fn);
  }

  get busy(): boolean {
    return this.mutex.isLocked();
  }
}

/**
 * The lock runs that started before `conversation-mutex` keep on replay. It waits on a workflow condition, which the
 * SDK re-checks once per pass for every waiter: when it is released with two or more waiters (or two updates take
 * it in the same activation), all of them pass `!held` in the same pass and run together.
 */
export class Lock implements ConversationLock {
  private held = false;

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !this.held);
    this.held = true;
    try {
      return await fn();
    } finally {
      this.held = false;
    }
  }

  get busy(): boolean {
    return this.held;
  }
}
