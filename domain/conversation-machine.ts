/**
 * The conversation's state and every transition it may take (D365 Omnichannel's async/SMS model, plus the
 * reopen window). Pure: the workflow owns an instance, applies transitions, and turns a
 * TransitionError into an ApplicationFailure the API maps to 409 (InvalidTransition) or 403 (NotYours).
 */

import { SMS_MAX_CHARACTERS, smsLength } from './sms-limits.js';
import type { ConversationState, Resolution, Role } from './vocabulary.js';

export type { ConversationState, Resolution, Role };
/** The authenticated caller, as the API saw it: transitions check ownership and role with it. */
export type Actor = { userId: string; role: Role };

export type TransitionErrorKind = 'InvalidTransition' | 'NotYours';

export class TransitionError extends Error {
  constructor(
    readonly kind: TransitionErrorKind,
    readonly state: ConversationState,
    message: string,
  ) {
    super(message);
    this.name = 'TransitionError';
  }
}

export type Offer = { offerId: string; agentId: string; reservationKey: string };

export type MachineData = {
  state: ConversationState;
  resolution: Resolution | null;
  /** Owner while active, waiting, wrap_up, and after close. */
  agentId: string | null;
  /** The last owner, remembered when the conversation goes back to the queue (keep-same-agent on return). */
  previousAgentId: string | null;
  offer: Offer | null;
  /** Key of the capacity reservation the owner (or offered agent) holds, if any. */
  reservationKey: string | null;
  queueId: string | null;
  /** The bot answers and no agent is involved yet. */
  withBot: boolean;
  /** Agents who declined or let an offer time out, with counts (D365: 3 declines and the agent is skipped). */
  declines: Record<string, number>;
  /** True once classification ran at least once (a brand-new conversation has not been routed). */
  routed: boolean;
  optedOut: boolean;
};

const isSupervisor = (a: Actor) => a.role === 'supervisor' || a.role === 'admin';

export class ConversationMachine {
  private d: MachineData;

  constructor(data?: MachineData) {
    this.d = data
      ? (JSON.parse(JSON.stringify(data)) as MachineData)
      : {
          state: 'open',
          resolution: null,
          agentId: null,
          previousAgentId: null,
          offer: null,
          reservationKey: null,
          queueId: null,
          withBot: false,
          declines: {},
          routed: false,
          optedOut: false,
        };
  }

  get data(): Readonly<MachineData> {
    return this.d;
  }
  get state() {
    return this.d.state;
  }
  get agentId() {
    return this.d.agentId;
  }
  get offer() {
    return this.d.offer;
  }

  snapshot(): MachineData {
    return JSON.parse(JSON.stringify(this.d)) as MachineData;
  }

  private fail(kind: TransitionErrorKind, message: string): never {
    throw new TransitionError(kind, this.d.state, message);
  }

  private requireState(action: string, ...states: ConversationState[]) {
    if (!states.includes(this.d.state)) {
      this.fail('InvalidTransition', `cannot ${action} a conversation in state ${this.d.state}`);
    }
  }

  private requireOwner(actor: Actor, action: string) {
    if (this.d.agentId !== actor.userId)
      this.fail('NotYours', `only the assigned agent may ${action} this conversation`);
  }

  // ---- checks (no mutation): used by update validators, which must be synchronous ----

  checkAccept(actor: Actor) {
    this.requireState('accept', 'open');
    if (this.d.offer?.agentId !== actor.userId) this.fail('NotYours', 'this conversation is not offered to you');
  }
  checkReject(actor: Actor) {
    this.checkAccept(actor);
  }
  checkPick(actor: Actor, distributionMode: 'push' | 'pick') {
    if (this.d.state === 'waiting') {
      // Reviving a waiting conversation from "My work items" is the owner's right.
      this.requireOwner(actor, 'pick up');
      return;
    }
    this.requireState('pick', 'open', 'waiting');
    if (this.d.withBot) this.fail('InvalidTransition', 'the bot is handling this conversation');
    if (distributionMode !== 'pick' && !isSupervisor(actor)) {
      this.fail('InvalidTransition', 'this conversation is distributed by push; accept the offer instead');
    }
  }
  checkSend(actor: Actor, text: string) {
    this.requireState('send a message in', 'active', 'waiting');
    this.requireOwner(actor, 'reply to');
    checkText(text);
  }
  checkWait(actor: Actor) {
    this.requireState('put on wait', 'active');
    this.requireOwner(actor, 'put on wait');
  }
  checkEnd(actor: Actor) {
    // D365 lets the owner end a waiting conversation from "My work items" without the customer texting first.
    this.requireState('end', 'active', 'waiting');
    this.requireOwner(actor, 'end');
  }
  checkClose(actor: Actor) {
    // Waiting → closed: the agent is done with a conversation the customer left (no wrap-up needed).
    this.requireState('close', 'wrap_up', 'waiting');
    if (this.d.agentId !== actor.userId && !isSupervisor(actor)) {
      this.fail('NotYours', 'only the assigned agent may close this conversation');
    }
  }
  checkTransfer(actor: Actor, target: { queueId?: string; agentId?: string }) {
    this.requireState('transfer', 'active', 'waiting');
    if (this.d.agentId !== actor.userId && !isSupervisor(actor)) {
      this.fail('NotYours', 'only the assigned agent or a supervisor may transfer this conversation');
    }
    if (!target.queueId === !target.agentId) {
      throw new TransitionError('InvalidTransition', this.d.state, 'give exactly one of queueId or agentId');
    }
  }
  checkAssign(actor: Actor) {
    if (!isSupervisor(actor)) this.fail('NotYours', 'only supervisors and admins may assign');
    this.requireState('assign', 'open', 'waiting', 'active');
  }
  checkForceClose(actor: Actor) {
    if (!isSupervisor(actor)) this.fail('NotYours', 'only supervisors and admins may force close');
    this.requireState('force close', 'open', 'active', 'waiting', 'wrap_up');
  }
  checkNote(actor: Actor, text: string) {
    if (this.d.agentId !== actor.userId && this.d.offer?.agentId !== actor.userId && !isSupervisor(actor)) {
      this.fail('NotYours', 'only the assigned or offered agent, or a supervisor, may add notes');
    }
    checkText(text);
  }

  /**
   * An agent texts the customer first: allowed on a new, queued, offered or closed conversation, or one the agent
   * already owns (active or waiting). Another agent's conversation, or one in wrap-up, is refused.
   */
  checkStartByAgent(actor: Actor) {
    const owner = this.d.agentId;
    if ((this.d.state === 'active' || this.d.state === 'waiting') && owner !== actor.userId) {
      this.fail('InvalidTransition', 'another agent is handling this customer’s conversation');
    }
    if (this.d.state === 'wrap_up') {
      this.fail('InvalidTransition', 'this customer’s conversation is in wrap-up; close it first');
    }
  }

  // ---- transitions ----

  /** Closed → open for an agent who texts the customer (the customer's own text would reopen it the same way). */
  reopenForAgent() {
    this.requireState('reopen', 'closed');
    this.d.state = 'open';
    this.d.resolution = null;
    this.d.withBot = false;
    this.backToQueue();
  }

  /** Classification decided the queue (first routing, re-routing after waiting, transfer to a queue). */
  routedTo(queueId: string) {
    this.d.queueId = queueId;
    this.d.routed = true;
  }

  startBot() {
    this.requireState('hand to the bot', 'open');
    this.d.withBot = true;
  }
  botEscalated() {
    this.d.withBot = false;
  }

  offerTo(offer: Offer) {
    this.requireState('offer', 'open');
    if (this.d.offer) this.fail('InvalidTransition', 'an offer is already pending');
    this.d.offer = offer;
    this.d.reservationKey = offer.reservationKey;
  }

  /** The offered agent accepted (or auto-accept): active, owned by that agent. */
  accept(agentId: string) {
    this.requireState('accept', 'open');
    if (this.d.offer?.agentId !== agentId) this.fail('NotYours', 'this conversation is not offered to you');
    this.d.state = 'active';
    this.d.agentId = agentId;
    this.d.offer = null;
  }

  /** Reject or offer timeout: both count as a decline (docs/domain.md, "The conversation model"); capacity returns. */
  decline(): Offer {
    const offer = this.d.offer;
    if (!offer) this.fail('InvalidTransition', 'no offer is pending');
    this.d.declines[offer.agentId] = (this.d.declines[offer.agentId] ?? 0) + 1;
    this.d.offer = null;
    this.d.reservationKey = null;
    return offer;
  }

  /** Assign directly to an agent who already holds `reservationKey` (pick, supervisor assign, transfer to agent). */
  assignTo(agentId: string, reservationKey: string) {
    this.requireState('assign', 'open', 'waiting', 'active');
    this.d.state = 'active';
    this.d.agentId = agentId;
    this.d.offer = null;
    this.d.reservationKey = reservationKey;
  }

  /**
   * An agent transfers to another agent: like a transfer to the queue (open, no owner, the previous owner remembered)
   * with the target already offered, holding `offer.reservationKey`. Accept makes the target the owner; a reject or
   * timeout leaves it queued for normal distribution.
   */
  offerTransfer(offer: Offer) {
    this.requireState('transfer', 'active', 'waiting');
    this.d.state = 'open';
    this.d.previousAgentId = this.d.agentId;
    this.d.agentId = null;
    this.d.declines = {};
    this.d.offer = offer;
    this.d.reservationKey = offer.reservationKey;
  }

  /** X on SMS: waiting, capacity released, owner kept for affinity. */
  wait() {
    this.requireState('put on wait', 'active');
    this.d.state = 'waiting';
    this.d.reservationKey = null;
  }

  end() {
    this.requireState('end', 'active', 'waiting');
    this.d.state = 'wrap_up';
    this.d.resolution = 'resolved';
  }

  /** Back to the queue (transfer to a queue): open, no owner, capacity released. */
  requeue(queueId: string) {
    this.requireState('transfer', 'active', 'waiting');
    this.d.state = 'open';
    this.d.previousAgentId = this.d.agentId;
    this.d.agentId = null;
    this.d.reservationKey = null;
    this.d.queueId = queueId;
    this.d.declines = {};
  }

  close(resolution: Resolution) {
    if (this.d.state === 'closed') this.fail('InvalidTransition', 'the conversation is already closed');
    this.d.state = 'closed';
    if (resolution !== 'resolved' || this.d.resolution === null) this.d.resolution = resolution;
    this.d.offer = null;
    this.d.reservationKey = null;
    this.d.withBot = false;
  }

  /**
   * The customer texted. Waiting → open (re-routed); closed inside the reopen window → open again with history kept.
   * Returns whether routing must run.
   */
  customerTexted(): boolean {
    switch (this.d.state) {
      case 'waiting':
        this.d.state = 'open';
        this.backToQueue();
        return true;
      case 'closed':
        if (this.d.resolution === 'force_closed') return false;
        this.d.state = 'open';
        this.d.resolution = null;
        this.backToQueue();
        return true;
      case 'open':
        return !this.d.routed && !this.d.withBot;
      default:
        return false;
    }
  }

  private backToQueue() {
    if (this.d.agentId) this.d.previousAgentId = this.d.agentId;
    this.d.agentId = null;
    this.d.reservationKey = null;
    this.d.declines = {};
  }

  /** Capacity went back to the pool while the owner keeps the conversation (wrap-up without blocking). */
  capacityReleased() {
    this.d.reservationKey = null;
  }

  setOptedOut(optedOut: boolean) {
    this.d.optedOut = optedOut;
  }

  /** Agents that must not be offered this item again (declined `declinesAllowed` times). */
  exhaustedAgents(declinesAllowed: number): string[] {
    return Object.entries(this.d.declines)
      .filter(([, n]) => n >= declinesAllowed)
      .map(([id]) => id);
  }
}

export function checkText(text: string) {
  if (text.trim().length === 0) throw new TextError('text must not be empty');
  if (smsLength(text) > SMS_MAX_CHARACTERS) {
    throw new TextError(`text must be at most ${SMS_MAX_CHARACTERS} characters (got ${smsLength(text)})`);
  }
}

export class TextError extends Error {
  override name = 'TextError';
}
