import { condition } from '@temporalio/workflow';

/**
 * Update handlers run concurrently with the main loop and with each other; every change to the conversation goes
 * through this lock so transitions and their activities never interleave (safe-message-handlers pattern).
 */
export class Lock {
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
