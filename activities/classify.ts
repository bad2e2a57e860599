import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { publishConversationEvent } from '../db/events.js';
import { conversations, customers, queueMembers, queues, routingRules } from '../db/schema/index.js';
import { evaluateRouting, type RoutingDecision } from '../domain/routing-evaluator.js';

export type ClassifyInput = {
  conversationId: string;
  workstreamId: string;
  defaultQueueId: string;
  text: string;
  customerNumber: string;
  supportNumber: string;
  language: string;
  botVariables?: Record<string, string>;
  /** Pick mode: the queue's members must hear that an item is waiting for them to pick. */
  notifyQueueMembers?: boolean;
};

/**
 * Work classification + route-to-queue (docs/domain.md, "The conversation model"): evaluates the workstream's ordered rules with the pure
 * evaluator and records the decision and its trace on the conversation, for agents and routing diagnostics.
 */
export function classifyActivity(db: Db) {
  return async function classify(input: ClassifyInput): Promise<RoutingDecision & { rulePriority: number | null }> {
    const [rules, customer] = await Promise.all([
      db
        .select()
        .from(routingRules)
        .where(eq(routingRules.workstreamId, input.workstreamId))
        .orderBy(asc(routingRules.order)),
      db.query.customers.findFirst({ where: eq(customers.number, input.customerNumber) }),
    ]);
    const decision = evaluateRouting(
      rules.map((r) => ({
        id: r.id,
        name: r.name,
        order: r.order,
        conditions: r.conditions,
        queueId: r.queueId,
        priority: r.priority,
        skills: r.skills,
      })),
      {
        message: { text: input.text },
        customer: { number: input.customerNumber, tags: customer?.tags ?? [] },
        channel: { number: input.supportNumber, language: input.language },
        ...(input.botVariables ? { bot: input.botVariables } : {}),
      },
      input.defaultQueueId,
    );
    // The evaluator is pure (it also runs in tests and dry runs), so the decision time is stamped here.
    decision.trace.at = new Date().toISOString();
    // A conversation's priority is its rule's, else its queue's (smaller is served first, as queue priority).
    const rulePriority = rules.find((r) => r.id === decision.matchedRuleId)?.priority ?? null;
    if (rulePriority === null) {
      const queue = await db.query.queues.findFirst({
        where: eq(queues.id, decision.queueId),
        columns: { priority: true },
      });
      decision.priority = queue?.priority ?? decision.priority;
      decision.trace.priority = decision.priority;
    }
    await db.transaction(async (tx) => {
      await tx
        .update(conversations)
        .set({
          queueId: decision.queueId,
          priority: decision.priority,
          skills: decision.skills,
          routingTrace: decision.trace,
          updatedAt: sql`now()`,
        })
        .where(eq(conversations.id, input.conversationId));
      const members = input.notifyQueueMembers
        ? await tx
            .select({ id: queueMembers.userId })
            .from(queueMembers)
            .where(eq(queueMembers.queueId, decision.queueId))
        : [];
      await publishConversationEvent(tx, {
        type: 'conversation.updated',
        conversationId: input.conversationId,
        also: members.map((m) => m.id),
        data: { conversationId: input.conversationId, queueId: decision.queueId, classified: true },
      });
    });
    return { ...decision, rulePriority };
  };
}
