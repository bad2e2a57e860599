import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  uuid4,
} from '@temporalio/workflow';
import {
  type Actor,
  acceptUpdate,
  agentsAvailableSignal,
  assignUpdate,
  closeUpdate,
  endUpdate,
  forceCloseUpdate,
  noteUpdate,
  pickUpdate,
  rejectUpdate,
  sendUpdate,
  transferUpdate,
  waitUpdate,
} from '../../../workflows/definitions.js';

/**
 * A stand-in conversation workflow for API tests, run on a real Temporal server: it implements the update contract of
 * workflows/definitions.ts minimally (fail as told, otherwise acknowledge; send/note write a message row through an
 * activity), so the API's translation of workflow answers is tested before and independently of the real workflow.
 */
export type StubInput = {
  conversationId: string;
  /** update name → failure the handler throws */
  failures?: Record<string, { type: string; message: string; details?: unknown[] }>;
};
export type StubActivities = {
  writeMessage(input: {
    conversationId: string;
    messageId: string;
    text: string;
    direction: 'outbound' | 'note';
    agentId: string;
  }): Promise<void>;
};

export const nudgesQuery = defineQuery<number>('nudges');
export const callsQuery = defineQuery<{ name: string; actor: Actor; arg?: unknown }[]>('calls');
export const stopSignal = defineSignal('stop');

const acts = proxyActivities<StubActivities>({ startToCloseTimeout: '10 seconds' });

export async function stubConversationWorkflow(input: StubInput): Promise<void> {
  let nudges = 0;
  let stopped = false;
  const calls: { name: string; actor: Actor; arg?: unknown }[] = [];
  setHandler(nudgesQuery, () => nudges);
  setHandler(callsQuery, () => calls);
  setHandler(agentsAvailableSignal, () => {
    nudges++;
  });
  setHandler(stopSignal, () => {
    stopped = true;
  });
  const fail = (name: string) => {
    const f = input.failures?.[name];
    if (f)
      throw ApplicationFailure.create({ type: f.type, message: f.message, details: f.details, nonRetryable: true });
  };
  const ack = { conversationId: input.conversationId, state: 'active' as const };
  for (const [def, name] of [
    [acceptUpdate, 'accept'],
    [rejectUpdate, 'reject'],
    [pickUpdate, 'pick'],
    [waitUpdate, 'wait'],
    [endUpdate, 'end'],
    [closeUpdate, 'close'],
    [forceCloseUpdate, 'forceClose'],
  ] as const) {
    setHandler(def, async (actor: Actor) => {
      calls.push({ name, actor });
      fail(name);
      return ack;
    });
  }
  setHandler(transferUpdate, async (actor, arg) => {
    calls.push({ name: 'transfer', actor, arg });
    fail('transfer');
    return ack;
  });
  setHandler(assignUpdate, async (actor, arg) => {
    calls.push({ name: 'assign', actor, arg });
    fail('assign');
    return ack;
  });
  for (const [def, name, direction] of [
    [sendUpdate, 'send', 'outbound'],
    [noteUpdate, 'note', 'note'],
  ] as const) {
    setHandler(def, async (actor, arg) => {
      calls.push({ name, actor, arg });
      fail(name);
      const messageId = uuid4();
      await acts.writeMessage({
        conversationId: input.conversationId,
        messageId,
        text: arg.text,
        direction,
        agentId: actor.userId,
      });
      return { ...ack, messageId };
    });
  }
  await condition(() => stopped);
}
