import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import { type ConversationInput, FailureTypes, type OutboxJob } from '../definitions.js';
import { type DbActivities, sms } from './activity-options.js';

/**
 * The ordered sender: delivers queued messages one at a time, in the order they were queued, concurrently with the
 * main loop. The jobs live in the carried state (continue-as-new carries what is not sent yet); a job leaves the
 * list only once its send finished, for good or not.
 */
export class Outbox {
  private sending = false;

  constructor(
    private readonly carried: { conversationId: string; outbox: OutboxJob[] },
    private readonly input: ConversationInput,
    private readonly db: DbActivities,
  ) {}

  push(job: OutboxJob): void {
    this.carried.outbox.push(job);
  }

  get length(): number {
    return this.carried.outbox.length;
  }

  get isSending(): boolean {
    return this.sending;
  }

  /** Runs for the life of the run; started once, before the main loop. */
  async run(): Promise<void> {
    const c = this.carried;
    for (;;) {
      await condition(() => c.outbox.length > 0);
      const job = c.outbox[0]!;
      this.sending = true;
      try {
        await sms.deliverOutbound({
          messageId: job.messageId,
          accountId: this.input.accountId,
          supportNumber: this.input.supportNumber,
          customerNumber: this.input.customerNumber,
          bypassOptOut: job.bypassOptOut,
        });
      } catch (err) {
        const type = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.type : null;
        // Final errors and opt-outs were recorded by the activity; anything else means retries ran out.
        if (type !== FailureTypes.FinalSendError && type !== FailureTypes.OptedOut) {
          await this.db.markSendFailed({
            messageId: job.messageId,
            conversationId: c.conversationId,
            error: `gave up after retries: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : String(err)}`,
          });
        }
      } finally {
        c.outbox.shift();
        this.sending = false;
      }
    }
  }
}
