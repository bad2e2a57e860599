import { type Actor, ConversationMachine, type MachineData } from './conversation-machine.js';
import type { ConversationState } from './vocabulary.js';

/**
 * The actions a user may take on a conversation right now: the conversation machine's own checks, run against the
 * read model, plus the API's gates (who may ask at all). The API serves the result with every conversation, so the
 * workspace shows exactly the buttons the server will accept.
 */
export const CONVERSATION_ACTIONS = [
  'accept',
  'reject',
  'pick',
  'send',
  'wait',
  'end',
  'close',
  'transfer',
  'note',
  'assign',
  'force-close',
] as const;
export type ConversationAction = (typeof CONVERSATION_ACTIONS)[number];

/** What the read model knows about a conversation, and the facts about the viewer the gates need. */
export type ActionFacts = {
  state: ConversationState;
  agentId: string | null;
  offeredAgentId: string | null;
  withBot: boolean;
  optedOut: boolean;
  distributionMode: 'push' | 'pick';
  /** Open, unassigned, in a pick-mode workstream, in one of the viewer's queues. */
  inPickBacklog: boolean;
};

const staffRoles = new Set(['supervisor', 'admin']);

export function allowedActions(f: ActionFacts, actor: Actor): ConversationAction[] {
  // A closed conversation takes no action (the API answers 409 before asking the workflow).
  if (f.state === 'closed') return [];
  const m = new ConversationMachine(machineData(f));
  const staff = staffRoles.has(actor.role);
  const passes = (check: () => void) => {
    try {
      check();
      return true;
    } catch {
      return false;
    }
  };
  const ok: Record<ConversationAction, () => boolean> = {
    accept: () => passes(() => m.checkAccept(actor)),
    reject: () => passes(() => m.checkReject(actor)),
    // Agents pick only from their backlog; staff may take any open conversation the machine lets them.
    pick: () =>
      (staff || (f.state === 'open' && !f.agentId && f.inPickBacklog)) &&
      passes(() => m.checkPick(actor, f.distributionMode)),
    send: () => !f.optedOut && passes(() => m.checkSend(actor, '.')),
    wait: () => passes(() => m.checkWait(actor)),
    // The API lets only the owner ask for end and close (staff force-close instead).
    end: () => (staff || f.agentId === actor.userId) && passes(() => m.checkEnd(actor)),
    close: () => (staff || f.agentId === actor.userId) && passes(() => m.checkClose(actor)),
    transfer: () => passes(() => m.checkTransfer(actor, { queueId: 'any' })),
    note: () => passes(() => m.checkNote(actor, '.')),
    assign: () => passes(() => m.checkAssign(actor)),
    'force-close': () => passes(() => m.checkForceClose(actor)),
  };
  return CONVERSATION_ACTIONS.filter((a) => ok[a]());
}

function machineData(f: ActionFacts): MachineData {
  return {
    state: f.state,
    resolution: null,
    agentId: f.agentId,
    previousAgentId: null,
    offer: f.offeredAgentId ? { offerId: '', agentId: f.offeredAgentId, reservationKey: '' } : null,
    reservationKey: null,
    queueId: null,
    withBot: f.withBot,
    declines: {},
    routed: true,
    optedOut: f.optedOut,
  };
}
